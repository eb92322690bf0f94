"""The contract every IVR node type keeps, and the registry of node types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from appliance.callflow.flow.instructions import FlowError, Instruction

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun

Node = dict[str, Any]
NODE_TYPES: dict[str, type[NodeType]] = {}


class NodeType:
    """One kind of node in a flow graph (``{"type": name, ...fields}``).

    Contract:
    - A subclass sets a unique `name`, the node's ``type`` in the graph; defining the
      subclass registers it.  One module per node type in `appliance.callflow.flow.nodes`;
      the package imports them all.
    - Node types hold no state: everything about one caller's walk (tries, digits
      collected, variables, language) lives in the `FlowRun` passed in.
    - `validate(node)` returns what is wrong with the node's own fields, as messages
      (no node id: the caller adds it); `targets(node)` the node ids it can lead to;
      `prompts(node)`, `queues(node)`, `schedules(node)` and `extensions(node)` the
      prompt, queue, business-hours schedule and extension names it uses;
      `target_types(node)` the targets that must be nodes of a given type.  The flow
      validator (`validate.py`) builds graph-wide checks from these.
    - `waits_for_input` is true for nodes that wait for the caller's digits; a cycle
      through nodes that never wait would loop forever, so validation refuses it.
    - `may_fail` is true for nodes that leave by ``failed`` when retries run out (or
      by the flow's hangup node when ``failed`` is not set).
    - `enter(run, node)` returns the node's first instruction; `on_played(run, node)`
      what follows a prompt (and its wait) played to its end; `on_digit(run, node,
      digit)` what a DTMF digit leads to, or None to go on as before.  The default
      `on_digit` keeps the digit as type-ahead for the next node that reads digits.
      A node that returns `Record` gets `on_recorded(run, node)` when it ends.
    - Instructions are what the engine carries out (`instructions.py`): `Play`,
      `Wait`, `EnterQueue`, `Transfer`, `OfferCallback`, `Record`, `LeaveMessage`,
      `Hangup`; results
      for the store (a survey's answer) go into `run.answers`.
    """

    name: ClassVar[str] = ""
    waits_for_input: ClassVar[bool] = False
    may_fail: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            NODE_TYPES[cls.name] = cls

    def validate(self, node: Node) -> list[str]:
        """Return what is wrong with the node's fields (default: nothing)."""
        return []

    def targets(self, node: Node) -> list[str]:
        """Return the node ids this node can lead to (default: its ``next``)."""
        return [str(node["next"])] if node.get("next") else []

    def target_types(self, node: Node) -> dict[str, str]:
        """Return targets that must be of a given node type, as {node id: type}."""
        return {}

    def prompts(self, node: Node) -> list[str]:
        """Return the prompt names this node plays."""
        return [str(node[key]) for key in ("prompt", "invalid_prompt") if node.get(key)]

    def queues(self, node: Node) -> list[str]:
        """Return the queue names this node sends callers to."""
        return []

    def schedules(self, node: Node) -> list[str]:
        """Return the business-hours schedules this node decides by."""
        return []

    def extensions(self, node: Node) -> list[str]:
        """Return the extensions this node rings."""
        return []

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Return the node's first instruction."""
        raise NotImplementedError

    def on_played(self, run: FlowRun, node: Node) -> Instruction:
        """Return what follows a prompt that played to its end."""
        raise FlowError(f"node '{run.node_id}': nothing to play after")

    def on_recorded(self, run: FlowRun, node: Node) -> Instruction:
        """Return what follows a recording that ended."""
        raise FlowError(f"node '{run.node_id}': nothing follows a recording")

    def on_digit(self, run: FlowRun, node: Node, digit: str) -> Instruction | None:
        """Keep a digit pressed here for the next node that reads digits."""
        run.typeahead.append(digit)
        return None


def node_type(kind: object) -> NodeType:
    """Return the node type registered as kind, or raise FlowError."""
    cls = NODE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise FlowError(f"unknown type {kind!r}")
    return cls()


def required(node: Node, *fields: str) -> list[str]:
    """Return a message for each field the node lacks."""
    return [f"'{name}' is required" for name in fields if node.get(name) in (None, "")]


def whole_number(node: Node, name: str, low: int = 0) -> list[str]:
    """Return a message unless the optional field is a whole number of at least low."""
    value = node.get(name)
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= low):
        return []
    return [f"'{name}' must be a whole number of at least {low}"]


def positive_seconds(node: Node, name: str) -> list[str]:
    """Return a message unless the optional field is a positive number of seconds."""
    value = node.get(name)
    if value is None or (
        isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    ):
        return []
    return [f"'{name}' must be a positive number of seconds"]
