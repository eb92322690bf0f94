"""Pacing modes, one module each behind `Pacer` (base.py); `pacer_for(mode)` picks one."""

from __future__ import annotations

from appliance.dialer.const import Mode
from appliance.dialer.pacing.agentless import AgentlessPacer
from appliance.dialer.pacing.base import Pacer
from appliance.dialer.pacing.predictive import PredictivePacer
from appliance.dialer.pacing.preview import PreviewPacer
from appliance.dialer.pacing.progressive import ProgressivePacer

PACERS: dict[Mode, type[Pacer]] = {
    pacer.mode: pacer for pacer in (PreviewPacer, ProgressivePacer, PredictivePacer, AgentlessPacer)
}


def pacer_for(mode: Mode) -> Pacer:
    """Return a pacer for a campaign mode."""
    return PACERS[mode]()
