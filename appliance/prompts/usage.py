"""Which published IVR flows play a prompt: deleting it must not silently break them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from appliance.callflow.flow.base import NODE_TYPES
from appliance.store.models import IvrFlow

Use = tuple[str, str]  # (flow name, node id)


def published_uses(name: str, resolves: Callable[[str], bool]) -> list[Use]:
    """Return the active flows' nodes that play name in a language where it would not resolve.

    resolves(language) says whether the engine would still find the prompt for a
    caller hearing that language (its own file or the English fallback).
    """
    uses: list[Use] = []
    for flow in IvrFlow.select().where(IvrFlow.active == True).order_by(IvrFlow.name):  # noqa: E712
        graph = flow.graph if isinstance(flow.graph, dict) else {}
        if all(resolves(language) for language in flow_languages(graph)):
            continue
        uses += [(flow.name, node_id) for node_id in nodes_playing(graph, name)]
    return uses


def flow_languages(graph: dict[str, Any]) -> set[str]:
    """Return every language a flow's callers may hear: its own and its set_language ones."""
    nodes = _nodes(graph)
    switched = {
        str(node.get("language"))
        for node in nodes.values()
        if isinstance(node, dict) and node.get("type") == "set_language"
    }
    return {str(graph.get("language") or "en"), *switched}


def nodes_playing(graph: dict[str, Any], name: str) -> list[str]:
    """Return the ids of the nodes of graph that play the prompt name."""
    nodes = _nodes(graph)
    found = []
    for node_id, node in nodes.items():
        kind = NODE_TYPES.get(str(node.get("type"))) if isinstance(node, dict) else None
        if kind is not None and name in kind().prompts(node):
            found.append(str(node_id))
    return found


def _nodes(graph: dict[str, Any]) -> dict[str, Any]:
    """Return a graph's nodes table (empty if it has none)."""
    nodes = graph.get("nodes")
    return nodes if isinstance(nodes, dict) else {}
