"""Preview campaigns' commands: the agent takes a record, reads it, then dials or skips it.

`campaign.preview_next {agent}` reserves the next due contact of a running preview
campaign the agent works for (its agent list, or its queue's members) and returns the
record and the campaign's script; asked again, it returns the same record until the
agent dials or skips it.  `campaign.preview_dial {agent, contact}` rings the agent's
phone and then the contact (click-to-dial) and records the attempt; its end is
written like any campaign call's.  `campaign.preview_skip {agent, contact}` hands the
record back; the agent is not offered it again while the engine runs.
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Any

from appliance.dialer.campaign import CampaignState, Dial
from appliance.dialer.const import CampaignStatus, Mode
from appliance.dialer.selection import next_calls
from appliance.engine.campaign_records import Placed
from appliance.engine.control import CommandError
from appliance.store import campaigns
from appliance.store.models import Campaign, CampaignContact

if TYPE_CHECKING:
    from appliance.engine.campaign_runner import CampaignRunner


class PreviewCommands:
    """Answer `campaign.preview_next|preview_dial|preview_skip`."""

    def __init__(self, runner: CampaignRunner) -> None:
        self.runner = runner
        self.table = {
            "campaign.preview_next": self.next,
            "campaign.preview_dial": self.dial,
            "campaign.preview_skip": self.skip,
        }

    def _campaigns_of(self, agent: str) -> list[Campaign]:
        """Return the running preview campaigns the agent works for; refuse if none."""
        if not isinstance(agent, str) or not agent:
            raise CommandError("bad-args", "agent must be an extension")
        preview = Campaign.mode == Mode.PREVIEW.value
        rows = list(
            Campaign.select().where(preview & (Campaign.status == CampaignStatus.RUNNING.value))
        )
        members = self.runner.on_engine(functools.partial(self._members, rows))
        mine = [r for r in rows if agent in members[r.id]]
        if not mine:
            raise CommandError(
                "not-in-campaign", f"agent {agent} is in no running preview campaign"
            )
        return mine

    def _members(self, rows: list[Campaign]) -> dict[int, tuple[str, ...]]:
        """Return each campaign's agents: its own list, or its queue's (engine thread)."""
        calls = self.runner.board.campaigns
        return {r.id: tuple(r.agents) or calls.members(r.queue) for r in rows}

    def next(self, agent: str = "") -> dict[str, Any]:
        """Return the record the agent holds, or reserve the next due one (None: none due)."""
        with self.runner.lock:
            mine = self._campaigns_of(agent)
            held = self.runner.previews.get(agent)
            if held is not None and held[0] in {r.id for r in mine}:
                return self._record(Campaign.get_by_id(held[0]), held[1])
            now = time.time()
            for row in mine:
                dial = self._next_for(row, agent, now)
                if dial is not None:
                    self.runner.previews[agent] = (row.id, dial.contact_id)
                    return self._record(row, dial.contact_id)
        return {"campaign": None, "contact": None, "script": ""}

    def _next_for(self, row: Campaign, agent: str, now: float) -> Dial | None:
        """Return the next contact of a campaign the agent may preview, or None."""
        held = {contact for _, contact in self.runner.previews.values()}
        held |= self.runner.skipped.get(agent, set())
        state = CampaignState(campaigns.campaign_for(row), campaigns.due_contacts(row, now),
                              campaigns.StoreDnc(), self.runner.stats_of(row), (agent,),
                              in_flight_contacts=frozenset(held))  # fmt: skip
        dials = next_calls(state, now)
        return dials[0] if dials else None

    @staticmethod
    def _record(row: Campaign, contact_id: int) -> dict[str, Any]:
        """Return a reserved record as the agent's screen shows it."""
        contact = CampaignContact.get_by_id(contact_id)
        return {
            "campaign": {"id": row.id, "name": row.name},
            "contact": {"id": contact.id, "number": contact.number, "name": contact.name,
                        "fields": contact.fields, "attempts": contact.attempts,
                        "last_outcome": contact.last_outcome, "notes": contact.notes},
            "script": row.script,
        }  # fmt: skip

    def _held(self, agent: str, contact: Any) -> tuple[int, int]:
        """Return the (campaign, contact) the agent holds; refuse another contact."""
        self._campaigns_of(agent)
        held = self.runner.previews.get(agent)
        if held is None or held[1] != contact:
            raise CommandError("not-held", f"agent {agent} holds no preview of contact {contact!r}")
        return held

    def dial(self, agent: str = "", contact: Any = None) -> dict[str, Any]:
        """Ring the agent's phone, then the contact they hold; record the attempt."""
        with self.runner.lock:
            campaign_id, contact_id = self._held(agent, contact)
            row = Campaign.get_by_id(campaign_id)
            person = CampaignContact.get_by_id(contact_id)
            dial = Dial(row.id, person.id, person.number, row.caller_id, Mode.PREVIEW, agent)
            attempt = campaigns.attempt_started(dial, time.time())
            try:
                call_id = self.runner.on_engine(
                    functools.partial(self._start, dial, attempt.id, row.queue)
                )
            except CommandError:  # the phone is busy, not registered, the number not allowed
                attempt.delete_instance()
                raise
            attempt.call_id = call_id
            attempt.save()
            del self.runner.previews[agent]
        return {"call_id": call_id, "attempt": attempt.id, "contact": person.id}

    def _start(self, dial: Dial, attempt: int, queue: str) -> str:
        """Ring the agent's phone for the contact and follow the call (engine thread)."""
        board = self.runner.board
        started = board.clicks.start(dial.agent, dial.number, "campaign", dial.caller_id)
        placed = Placed(attempt, str(started["call_id"]), (dial.agent,), queue)
        board.campaigns.watch_preview(dial, placed, dial.agent)
        return placed.call_id

    def skip(self, agent: str = "", contact: Any = None) -> dict[str, Any]:
        """Hand a held record back; the agent is not offered it again."""
        with self.runner.lock:
            _, contact_id = self._held(agent, contact)
            del self.runner.previews[agent]
            self.runner.skipped.setdefault(agent, set()).add(contact_id)
        return {"contact": contact_id, "skipped": True}
