"""Walk a flow graph for one call: answer each happening with the next instruction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.customers import CallerBook, Customer
from appliance.callflow.flow.base import Node, node_type
from appliance.callflow.flow.instructions import FlowError, Instruction, Play
from appliance.callflow.flow.results import SurveyAnswer
from appliance.callflow.hours import Schedule

MAX_JUMPS = 100  # nodes entered without waiting for the caller before the walk is a loop


@dataclass
class FlowRun:
    """One caller's walk through a flow.

    The run holds its graph, so a call finishes on the version it started with even
    when a new version is published meanwhile.  `customers` and `schedules` are the
    box's data that lookup and time_condition nodes decide by (empty: nobody is
    known, no schedule exists).
    """

    flow: dict[str, Any]
    caller: str = ""  # the calling number, for nodes that decide by it
    started_at: float = 0.0  # when the call entered the flow (UNIX time), for time rules
    customers: CallerBook = field(default_factory=CallerBook)
    schedules: Mapping[str, Schedule] = field(default_factory=dict)
    customer: Customer | None = None  # the record a lookup node found
    path: list[str] = field(default_factory=list)
    digits: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # set by collect nodes
    typeahead: list[str] = field(default_factory=list)  # digits pressed before a menu
    collected: list[str] = field(default_factory=list)  # digits of the current collect node
    tries: int = 0  # failed tries at the current node
    in_invalid: bool = False  # the invalid-choice prompt is playing
    language_override: str = ""  # set by a set_language node
    stage: str = ""  # where the current node is in its own steps (a survey: rating, comment)
    survey: str = ""  # the survey node the caller goes to if the agent hangs up first
    answers: list[SurveyAnswer] = field(default_factory=list)  # for the engine to store
    _node_id: str = ""
    _jumps: int = 0

    @property
    def language(self) -> str:
        """Return the language prompts are played in."""
        return self.language_override or str(self.flow.get("language") or "en")

    @property
    def node_id(self) -> str:
        """Return the current node's id."""
        return self._node_id

    def start(self) -> Instruction:
        """Return the first instruction."""
        return self.enter(str(self.flow.get("start", "")))

    def goto(self, node_id: str) -> Instruction:
        """Continue the flow at node_id (an overflow back into the IVR)."""
        return self.enter(node_id)

    def on_played(self) -> Instruction:
        """Return what follows a prompt that played to its end (and its wait, if any)."""
        self._jumps = 0
        return node_type(self._node().get("type")).on_played(self, self._node())

    def on_digit(self, digit: str) -> Instruction | None:
        """Return the instruction a DTMF digit leads to, or None to go on as before."""
        self._jumps = 0
        return node_type(self._node().get("type")).on_digit(self, self._node(), digit)

    def on_recorded(self) -> Instruction:
        """Return what follows a recording (a survey's comment) that ended."""
        self._jumps = 0
        return node_type(self._node().get("type")).on_recorded(self, self._node())

    def enter(self, node_id: str) -> Instruction:
        """Move to node_id and return its first instruction."""
        nodes = self.flow.get("nodes", {})
        if node_id not in nodes:
            raise FlowError(f"node '{self._node_id or 'start'}' leads to unknown node '{node_id}'")
        self._jumps += 1
        if self._jumps > MAX_JUMPS:
            raise FlowError(f"node '{node_id}': the flow loops without waiting for the caller")
        self._node_id, self.tries, self.in_invalid, self.stage = node_id, 0, False, ""
        self.collected = []
        self.path.append(node_id)
        node = nodes[node_id]
        try:
            kind = node_type(node.get("type"))
        except FlowError as exc:
            raise FlowError(f"node '{node_id}': {exc}") from None
        return kind.enter(self, node)

    def play(self, prompt: str, wait: float | None = None) -> Play:
        """Return a prompt in the run's language; with a wait, digits may cut it short."""
        if wait is None:
            return Play(prompt, self.language)
        return Play(prompt, self.language, True, wait)

    def fail(self, node: Node) -> Instruction:
        """Leave a node whose retries ran out: by its ``failed`` target or a hangup node."""
        return self.enter(node.get("failed") or hangup_node(self.flow))

    def _node(self) -> Node:
        """Return the current node."""
        return dict(self.flow["nodes"][self._node_id])


def hangup_node(flow: dict[str, Any]) -> str:
    """Return the id of a hangup node, or raise FlowError."""
    for node_id, node in flow.get("nodes", {}).items():
        if node.get("type") == "hangup":
            return str(node_id)
    raise FlowError("retries ran out and the flow has no 'failed' target or hangup node")
