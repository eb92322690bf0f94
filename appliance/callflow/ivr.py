"""Walk an IVR flow graph for one call.

A flow is JSON: ``{"start": node_id, "language": "en", "nodes": {id: node}}``, where a
node has a ``type``:

- ``play``:   ``prompt``, ``next``
- ``menu``:   ``prompt``, ``choices`` {digit: node}, ``timeout`` s, ``retries``,
              ``invalid_prompt`` (optional), ``failed`` (node when retries run out)
- ``queue``:  ``queue`` (name), ``priority`` (optional, default 0: higher is served first)
- ``hangup``

`FlowRun` answers each happening with the next `Instruction` for the engine.  The
full set of node types, validation and versioning are a later issue; this module
is the interpreter they extend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FlowError(Exception):
    """The flow graph is malformed (the message names the node)."""


@dataclass(frozen=True)
class Play:
    """Play a prompt; digits may cut it short; then wait `wait` s for a digit (None: don't)."""

    prompt: str
    language: str
    interruptible: bool = False
    wait: float | None = None


@dataclass(frozen=True)
class EnterQueue:
    """Put the caller in a queue; a higher priority is served before earlier callers."""

    queue: str
    priority: int = 0
    skills: dict[str, int] = field(default_factory=dict)  # what this caller needs, e.g. a language


@dataclass(frozen=True)
class Hangup:
    """End the call; `reason` goes into the call's events."""

    reason: str = "ivr-hangup"


Instruction = Play | EnterQueue | Hangup


@dataclass
class FlowRun:
    """One caller's walk through a flow."""

    flow: dict[str, Any]
    path: list[str] = field(default_factory=list)
    digits: list[str] = field(default_factory=list)
    _node_id: str = ""
    _tries: int = 0
    _in_invalid: bool = False
    _typeahead: list[str] = field(default_factory=list)

    @property
    def language(self) -> str:
        """Return the language prompts are played in."""
        return str(self.flow.get("language") or "en")

    @property
    def node_id(self) -> str:
        """Return the current node's id."""
        return self._node_id

    def start(self) -> Instruction:
        """Return the first instruction."""
        return self._enter(str(self.flow.get("start", "")))

    def goto(self, node_id: str) -> Instruction:
        """Continue the flow at node_id (an overflow back into the IVR)."""
        return self._enter(node_id)

    def on_played(self) -> Instruction:
        """Return what follows a prompt that played to its end (and its wait, if any)."""
        node = self._node()
        if node["type"] == "play":
            return self._enter(node.get("next", ""))
        if node["type"] == "menu":
            if self._in_invalid:
                self._in_invalid = False
                return self._menu_prompt(node)
            return self._retry(node)
        raise FlowError(f"node '{self._node_id}': nothing to play after")

    def on_digit(self, digit: str) -> Instruction | None:
        """Return the instruction a DTMF digit leads to, or None to go on as before.

        A digit pressed before a menu (during a greeting) is kept for the next menu:
        callers who know the menu type ahead.
        """
        node = self._node()
        if node["type"] != "menu":
            self._typeahead.append(digit)
            return None
        return self._choose(node, digit)

    def _choose(self, node: dict[str, Any], digit: str) -> Instruction:
        """Return where a digit pressed in a menu leads."""
        self.digits.append(digit)
        target = node.get("choices", {}).get(digit)
        if target:
            return self._enter(target)
        return self._invalid(node)

    def _enter(self, node_id: str) -> Instruction:
        """Move to node_id and return its first instruction."""
        nodes = self.flow.get("nodes", {})
        if node_id not in nodes:
            raise FlowError(f"node '{self._node_id or 'start'}' leads to unknown node '{node_id}'")
        self._node_id, self._tries, self._in_invalid = node_id, 0, False
        self.path.append(node_id)
        node = nodes[node_id]
        kind = node.get("type")
        if kind == "play":
            return Play(node["prompt"], self.language)
        if kind == "menu":
            if self._typeahead:
                return self._choose(node, self._typeahead.pop(0))
            return self._menu_prompt(node)
        if kind == "queue":
            skills = node.get("skills") or {}
            if not isinstance(skills, dict) or not all(
                isinstance(level, int) and not isinstance(level, bool) for level in skills.values()
            ):
                raise FlowError(f"node '{node_id}': skills must map skill names to levels")
            return EnterQueue(node["queue"], int(node.get("priority", 0)), dict(skills))
        if kind == "hangup":
            return Hangup()
        raise FlowError(f"node '{node_id}': unknown type {kind!r}")

    def _node(self) -> dict[str, Any]:
        """Return the current node."""
        return dict(self.flow["nodes"][self._node_id])

    def _menu_prompt(self, node: dict[str, Any]) -> Play:
        """Return the menu's prompt, cut short by a digit, then a wait for one."""
        return Play(node["prompt"], self.language, True, float(node.get("timeout", 5)))

    def _retry(self, node: dict[str, Any]) -> Instruction:
        """Count a failed try; replay the menu or leave by its failed branch."""
        self._tries += 1
        if self._tries >= int(node.get("retries", 3)):
            return self._enter(node.get("failed") or _hangup_node(self.flow))
        return self._menu_prompt(node)

    def _invalid(self, node: dict[str, Any]) -> Instruction:
        """Answer an invalid choice: say so (if a prompt is set) and retry."""
        retry = self._retry(node)
        if (
            isinstance(retry, Play)
            and retry.prompt == node["prompt"]
            and node.get("invalid_prompt")
        ):
            self._in_invalid = True
            return Play(node["invalid_prompt"], self.language, True)
        return retry


def _hangup_node(flow: dict[str, Any]) -> str:
    """Return the id of a hangup node, or raise FlowError."""
    for node_id, node in flow.get("nodes", {}).items():
        if node.get("type") == "hangup":
            return str(node_id)
    raise FlowError("menu retries ran out and the flow has no 'failed' target or hangup node")
