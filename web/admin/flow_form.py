"""The structured IVR editor's form: a flow graph as one fieldset per node, and back.

Each node type shows the fields docs/ivr.md lists for it.  Inputs are named
``node-<i>-<field>``; maps (a menu's choices, a queue's skills) are typed as
``1=sales 2=support``; whole-number fields as numbers.  Fields of a node that the
form does not show are carried in ``node-<i>-extra`` (JSON), so nothing written in
the JSON view is lost by the form.  Checking the graph is the engine's job
(`flow.publish`); this module only moves text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from web.i18n import _

NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "play": ("prompt", "next"),
    "menu": ("prompt", "choices", "timeout", "retries", "invalid_prompt", "repeat_key", "failed"),
    "collect": ("variable", "prompt", "min_digits", "max_digits", "terminator", "timeout",
                "inter_digit", "retries", "next", "failed"),
    "queue": ("queue", "priority", "skills", "survey"),
    "lookup": ("by", "variable", "found", "not_found", "vip", "vip_tier"),
    "time_condition": ("schedule", "open", "closed", "holiday"),
    "transfer": ("to", "target", "ring_seconds", "failed"),
    "callback_offer": ("queue",),
    "goto": ("next",),
    "set_language": ("language", "next"),
    "survey": ("prompt", "keys", "timeout", "retries", "invalid_prompt", "comment_prompt",
               "comment_seconds", "comment_silence", "thanks", "next"),
    "hangup": (),
}  # fmt: skip
NODE_TYPES = tuple(NODE_FIELDS)
MAPS = {"choices", "skills"}
NUMBERS = {"timeout", "retries", "min_digits", "max_digits", "inter_digit", "priority",
           "vip_tier", "ring_seconds", "comment_seconds", "comment_silence"}  # fmt: skip
MAX_NODES = 200


class FlowFormError(ValueError):
    """The form or the JSON could not be turned into a graph (before any checking)."""


@dataclass
class NodeForm:
    """One node as the editor shows it: id, type, each field's text, and the rest."""

    node_id: str
    type: str
    values: dict[str, str]
    extra: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the fields of this node's type."""
        return NODE_FIELDS.get(self.type, ())


def to_text(name: str, value: Any) -> str:
    """Return a node field's value as the text of its input."""
    if value is None:
        return ""
    if name in MAPS and isinstance(value, Mapping):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return value if isinstance(value, str) else json.dumps(value)


def from_text(name: str, text: str) -> Any:
    """Return a node field's value from its input's text (None: left out)."""
    text = text.strip()
    if not text:
        return None
    if name in MAPS:
        pairs = [p.partition("=") for p in re.split(r"\s+", text)]
        return {k: (int(v) if name == "skills" and v.isdigit() else v) for k, _s, v in pairs}
    if name in NUMBERS:
        try:
            return float(text) if "." in text else int(text)
        except ValueError:
            return text  # the engine says what is wrong with it, on this node
    return text


def nodes_of(graph: Any) -> list[NodeForm]:
    """Return the graph's nodes as forms, in the graph's order."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    forms = []
    for node_id, node in (nodes or {}).items():
        node = node if isinstance(node, dict) else {}
        kind = str(node.get("type", ""))
        shown = NODE_FIELDS.get(kind, ())
        rest = {k: v for k, v in node.items() if k != "type" and k not in shown}
        values = {f: to_text(f, node.get(f)) for f in shown}
        forms.append(NodeForm(str(node_id), kind, values, json.dumps(rest) if rest else ""))
    return forms


def graph_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """Return the graph the structured editor's fields describe."""
    nodes: dict[str, Any] = {}
    for i in range(MAX_NODES):
        node_id = form.get(f"node-{i}-id")
        if node_id is None:
            break
        node_id = node_id.strip()
        if not node_id or form.get(f"node-{i}-remove"):
            continue
        if node_id in nodes:
            raise FlowFormError(_("Node %(node)s is listed twice.", node=node_id))
        nodes[node_id] = _node(form, i)
    graph: dict[str, Any] = {"start": form.get("start", "").strip(), "nodes": nodes}
    if form.get("language", "").strip():
        graph["language"] = form["language"].strip()
    return graph


def _node(form: Mapping[str, str], i: int) -> dict[str, Any]:
    """Return node i of the form."""
    kind = form.get(f"node-{i}-type", "")
    node: dict[str, Any] = {"type": kind}
    extra = form.get(f"node-{i}-extra", "").strip()
    if extra:
        try:
            node.update(json.loads(extra))
        except (ValueError, TypeError):
            raise FlowFormError(_("Node %(n)d: the extra fields are not JSON.", n=i + 1)) from None
    for name in NODE_FIELDS.get(kind, ()):
        value = from_text(name, form.get(f"node-{i}-{name}", ""))
        if value is not None:
            node[name] = value
    return node


def graph_from_json(text: str) -> dict[str, Any]:
    """Return the graph of the JSON view."""
    try:
        graph = json.loads(text)
    except ValueError as exc:
        raise FlowFormError(_("The JSON is not valid: %(why)s", why=exc)) from None
    if not isinstance(graph, dict):
        raise FlowFormError(_("The JSON must be an object with start and nodes."))
    return graph
