"""The IVR interpreter's names where the engine has always imported them (see `flow/`)."""

from __future__ import annotations

from appliance.callflow.flow import EnterQueue, FlowError, FlowRun, Hangup, Instruction, Play

__all__ = ["EnterQueue", "FlowError", "FlowRun", "Hangup", "Instruction", "Play"]
