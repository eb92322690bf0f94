"""Check a flow graph before it goes live: every problem, each pointing at its node."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from appliance.callflow.flow import nodes  # noqa: F401  (registers the node types)
from appliance.callflow.flow.base import NODE_TYPES, Node, NodeType
from appliance.prompts.catalog import VOICES

PromptCheck = Collection[str] | Callable[[str], bool]


@dataclass(frozen=True)
class FlowProblem:
    """One reason a flow cannot go live; `node` is "" for the flow as a whole."""

    node: str
    message: str

    def __str__(self) -> str:
        return f"node '{self.node}': {self.message}" if self.node else self.message


@dataclass(frozen=True)
class Known:
    """The names a flow may use beyond prompts and queues (None: not checked)."""

    schedules: Collection[str] | None = None
    extensions: Collection[str] | None = None


def validate(
    graph: Any,
    prompts: PromptCheck,
    queues: Collection[str],
    entries: Collection[str] = (),
    known: Known = Known(),
) -> list[FlowProblem]:
    """Return the flow's problems (empty: it may go live).

    prompts are the prompt names that exist (or a test for one); queues the queue
    names; entries extra nodes calls can enter by (queue overflows to ``ivr:<node>``),
    which count as reachable; known the schedules and extensions that exist.
    """
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), dict):
        return [FlowProblem("", "the flow has no 'nodes' table")]
    flow_nodes: dict[str, Node] = graph["nodes"]
    problems = _flow_fields(graph)
    has_prompt = prompts if callable(prompts) else prompts.__contains__
    typed: dict[str, NodeType] = {}
    for node_id, node in flow_nodes.items():
        kind = NODE_TYPES.get(str(node.get("type"))) if isinstance(node, dict) else None
        if kind is None:
            shown = node.get("type") if isinstance(node, dict) else node
            problems.append(FlowProblem(node_id, f"unknown type {shown!r}"))
            continue
        typed[node_id] = kind()
        problems += _node_problems(node_id, node, typed[node_id], has_prompt, queues, known)
    edges = _edges(flow_nodes, typed, problems)
    problems += _dangling(edges, flow_nodes) + _wrong_types(flow_nodes, typed)
    if graph.get("start") in flow_nodes:  # else every node would be reported unreachable
        problems += _unreachable(graph, edges, entries)
    return problems + _loops_without_input(edges, typed)


def _flow_fields(graph: dict[str, Any]) -> list[FlowProblem]:
    """Check the start node and the language."""
    problems = []
    if graph.get("start") not in graph["nodes"]:
        problems.append(FlowProblem("", f"'start' names no node: {graph.get('start')!r}"))
    if graph.get("language", "en") not in VOICES:
        problems.append(FlowProblem("", f"language must be one of {', '.join(sorted(VOICES))}"))
    return problems


def _node_problems(
    node_id: str,
    node: Node,
    kind: NodeType,
    has_prompt: Callable[[str], bool],
    queues: Collection[str],
    known: Known,
) -> list[FlowProblem]:
    """Return the node's field, prompt, queue, schedule and extension problems."""
    messages = kind.validate(node)
    if not messages:
        messages += [f"prompt {p!r} is missing" for p in kind.prompts(node) if not has_prompt(p)]
        messages += [f"queue {q!r} does not exist" for q in kind.queues(node) if q not in queues]
        messages += _unknown("schedule", kind.schedules(node), known.schedules)
        messages += _unknown("extension", kind.extensions(node), known.extensions)
    return [FlowProblem(node_id, message) for message in messages]


def _unknown(what: str, used: list[str], existing: Collection[str] | None) -> list[str]:
    """Return a message for each name used that does not exist (nothing when unchecked)."""
    if existing is None:
        return []
    return [f"{what} {name!r} does not exist" for name in used if name not in existing]


def _edges(
    flow_nodes: dict[str, Node], typed: dict[str, NodeType], problems: list[FlowProblem]
) -> dict[str, list[str]]:
    """Return node → the nodes it can lead to (the hangup node for a missing ``failed``)."""
    hangups = [n for n, kind in typed.items() if kind.name == "hangup"]
    edges = {}
    for node_id, kind in typed.items():
        node = flow_nodes[node_id]
        edges[node_id] = kind.targets(node)
        if kind.may_fail and not node.get("failed"):
            if not hangups:
                message = "needs a 'failed' target (the flow has no hangup node)"
                problems.append(FlowProblem(node_id, message))
            edges[node_id] = edges[node_id] + hangups[:1]
    return edges


def _dangling(edges: dict[str, list[str]], flow_nodes: dict[str, Node]) -> list[FlowProblem]:
    """Return a problem for each target that names no node."""
    return [
        FlowProblem(node_id, f"leads to unknown node {target!r}")
        for node_id, targets in edges.items()
        for target in targets
        if target not in flow_nodes
    ]


def _wrong_types(flow_nodes: dict[str, Node], typed: dict[str, NodeType]) -> list[FlowProblem]:
    """Return a problem for each target that must be of a type and is another."""
    return [
        FlowProblem(node_id, f"{target!r} must be a {wanted} node")
        for node_id, kind in typed.items()
        for target, wanted in kind.target_types(flow_nodes[node_id]).items()
        if target in flow_nodes and _type_of(flow_nodes[target]) != wanted
    ]


def _type_of(node: object) -> object:
    """Return a node's type (None for a node that is not a table)."""
    return node.get("type") if isinstance(node, dict) else None


def _unreachable(
    graph: dict[str, Any], edges: dict[str, list[str]], entries: Collection[str]
) -> list[FlowProblem]:
    """Return a problem for each node no call can reach."""
    seen: set[str] = set()
    todo = [str(graph.get("start")), *entries]
    while todo:
        node_id = todo.pop()
        if node_id in seen or node_id not in graph["nodes"]:
            continue
        seen.add(node_id)
        todo += edges.get(node_id, [])
    return [FlowProblem(n, "no call can reach this node") for n in graph["nodes"] if n not in seen]


def _loops_without_input(
    edges: dict[str, list[str]], typed: dict[str, NodeType]
) -> list[FlowProblem]:
    """Return a problem for each cycle through nodes that never wait for a digit."""
    passive = {n for n, kind in typed.items() if not kind.waits_for_input}
    done: set[str] = set()
    problems: list[FlowProblem] = []

    def visit(node_id: str, trail: list[str]) -> None:
        if node_id in trail:
            cycle = [*trail[trail.index(node_id) :], node_id]
            message = f"loops without waiting for the caller: {' → '.join(cycle)}"
            problems.append(FlowProblem(node_id, message))
            return
        if node_id in done:
            return
        for target in edges.get(node_id, []):
            if target in passive:
                visit(target, [*trail, node_id])
        done.add(node_id)

    for node_id in sorted(passive):
        visit(node_id, [])
    return problems
