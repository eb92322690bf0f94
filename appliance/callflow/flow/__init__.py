"""IVR flows as data: a graph of typed nodes, walked per call, validated before going live.

A flow is JSON: ``{"start": node_id, "language": "en", "nodes": {id: node}}``; each
node has a ``type`` registered by a `NodeType` subclass in `nodes/` (see `base.py`
for the contract and docs/ivr.md for every type's fields).
"""

from __future__ import annotations

from appliance.callflow.flow import nodes  # noqa: F401  (registers the node types)
from appliance.callflow.flow.base import NODE_TYPES, NodeType, node_type
from appliance.callflow.flow.instructions import (
    EnterQueue,
    FlowError,
    Hangup,
    Instruction,
    Play,
    Record,
)
from appliance.callflow.flow.results import SurveyAnswer
from appliance.callflow.flow.run import FlowRun

__all__ = [
    "NODE_TYPES",
    "EnterQueue",
    "FlowError",
    "FlowRun",
    "Hangup",
    "Instruction",
    "NodeType",
    "Play",
    "Record",
    "SurveyAnswer",
    "node_type",
]
