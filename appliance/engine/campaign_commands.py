"""Control commands of campaigns: start, pause, stop, status, dispositions (docs/dialer.md).

The preview commands (`campaign.preview_*`) are in `campaign_preview.py`.  Store reads
and writes happen here, on the control server's thread, under the dialer's lock; live
figures come from the engine thread.  Every refusal is a `CommandError` naming the
fault: an unknown campaign, a move its status does not allow, an unknown attempt.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from appliance.dialer.const import CampaignStatus, Outcome
from appliance.dialer.moves import check_move
from appliance.engine.campaign_preview import PreviewCommands
from appliance.engine.control import CommandError
from appliance.store import campaigns
from appliance.store.models import Campaign, CampaignContact, DialAttempt

if TYPE_CHECKING:
    from appliance.engine.campaign_runner import CampaignRunner

MAX_NOTE = 2000
MAX_DISPOSITION = 64


def find_campaign(ref: Any) -> Campaign:
    """Return the campaign named (or numbered) ref; CommandError if there is none."""
    row = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        row = Campaign.get_or_none(Campaign.id == ref)
    elif isinstance(ref, str) and ref:
        row = Campaign.get_or_none(Campaign.name == ref)
    if row is None:
        raise CommandError("no-such-campaign", f"no campaign {ref!r}")
    return row


class CampaignCommands:
    """Answer the `campaign.*` commands for one engine's dialer."""

    def __init__(self, runner: CampaignRunner) -> None:
        self.runner = runner
        preview = PreviewCommands(runner)
        self.table: dict[str, Callable[..., Any]] = {
            "campaign.start": functools.partial(self.move, wanted=CampaignStatus.RUNNING),
            "campaign.pause": functools.partial(self.move, wanted=CampaignStatus.PAUSED),
            "campaign.stop": functools.partial(self.move, wanted=CampaignStatus.STOPPED),
            "campaign.status": self.status,
            "campaign.disposition": self.disposition,
            **preview.table,
        }

    def move(self, campaign: Any = "", *, wanted: CampaignStatus) -> dict[str, Any]:
        """Start, pause or stop a campaign, as `callbox campaign start|pause|stop` would."""
        with self.runner.lock:
            row = find_campaign(campaign)
            try:
                check_move(row.name, row.status, wanted)
                if wanted is CampaignStatus.RUNNING:
                    campaigns.campaign_for(row)  # its settings still read
            except ValueError as exc:
                raise CommandError("bad-move", str(exc)) from None
            campaigns.set_status(row, wanted)
        return {"id": row.id, "name": row.name, "status": row.status}

    def status(self, campaign: Any = None) -> dict[str, Any]:
        """Return the figures of one campaign, or of every campaign."""
        with self.runner.lock:
            rows = [find_campaign(campaign)] if campaign not in (None, "") else list(
                Campaign.select().order_by(Campaign.name))  # fmt: skip
            live = self.runner.on_engine(functools.partial(self.runner.live_all, rows))
            now = time.time()
            return {"campaigns": [self._figures(row, live[row.id], now) for row in rows]}

    def _figures(self, row: Campaign, live: Any, now: float) -> dict[str, Any]:
        """Return one campaign's status figures."""
        stats = self.runner.stats_of(row)
        try:
            window: Any = campaigns.campaign_for(row).window
        except ValueError:  # its settings no longer read (a holiday schedule deleted…)
            window = None
        working = len(live.ready_agents) + live.busy_agents
        today = _day_start(row.default_zone, now)
        attempts = DialAttempt.select().where(
            (DialAttempt.campaign == row) & (DialAttempt.started_at >= today)
        )
        connected = attempts.where(DialAttempt.outcome == Outcome.CONNECTED.value)
        zones = (row.default_zone,)  # the campaign's own clock
        return {
            "id": row.id, "name": row.name, "status": row.status, "mode": row.mode,
            "in_flight": live.in_flight, "ready_agents": len(live.ready_agents),
            "answer_rate": round(stats.answer_rate(), 4), "aht_seconds": round(stats.aht(), 1),
            "ratio": round(live.calls / working, 2) if working else 0.0,
            "drop_rate": round(stats.total.rate(), 4),
            "drop_rate_today": round(stats.today.rate(), 4),
            "dialled_today": attempts.count(), "connected_today": connected.count(),
            "capped": not stats.has_room(now, row.drop_cap),
            "in_window": window.is_open(zones, now) if window is not None else False,
            "start_at": row.start_at, "stop_at": row.stop_at,
        }  # fmt: skip

    def disposition(
        self,
        agent: str = "",
        attempt: Any = None,
        disposition: str = "",
        note: str = "",
        callback_at: Any = None,
        callback_agent: str = "",
        close: bool = True,
    ) -> dict[str, Any]:
        """Keep an agent's disposition and note on the contact; book a callback if asked.

        A final disposition (close, the default) ends the contact's calling; a callback
        brings it back at callback_at (UNIX time), for callback_agent or anyone.
        """
        _check_text("disposition", disposition, MAX_DISPOSITION, required=True)
        _check_text("note", note, MAX_NOTE)
        _check_text("callback_agent", callback_agent, 16)
        if callback_at is not None and not isinstance(callback_at, int | float):
            raise CommandError("bad-args", "callback_at must be a UNIX time")
        with self.runner.lock:
            row = DialAttempt.get_or_none(DialAttempt.id == attempt) if isinstance(
                attempt, int) else None  # fmt: skip
            if row is None:
                raise CommandError("no-such-attempt", f"no dial attempt {attempt!r}")
            if agent and row.agent and row.agent != agent:
                raise CommandError("not-yours", f"attempt {attempt} was taken by {row.agent}")
            contact = CampaignContact.get_by_id(row.contact.id)
            campaigns.set_disposition(contact, disposition, note, close and callback_at is None)
            if callback_at is not None:
                campaigns.schedule_callback(contact, float(callback_at), callback_agent, note)
        return {"contact": contact.id, "disposition": disposition,
                "callback_at": callback_at, "done": bool(contact.done)}  # fmt: skip


def _check_text(name: str, value: Any, limit: int, required: bool = False) -> None:
    """Refuse a value that is not text of at most limit characters (or empty when required)."""
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        need = "non-empty " if required else ""
        raise CommandError("bad-args", f"{name} must be {need}text of at most {limit} characters")


def _day_start(zone: str, now: float) -> float:
    """Return the UNIX time today began on a zone's clock."""
    local = datetime.fromtimestamp(now, ZoneInfo(zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
