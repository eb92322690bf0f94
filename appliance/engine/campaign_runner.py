"""The engine's dialer: every TICK_SECONDS, place the calls each running campaign's pacing asks.

Runs on a thread of its own, which alone reads and writes the campaign tables (the
engine thread never waits on the store).  One tick:

1. read each running campaign's live figures on the engine thread (`CampaignCalls.live`);
2. write the attempts that ended since the last tick (outcome, the contact's retry from
   the policy) and feed them to the campaign's `PacingStats`;
3. build its `CampaignState` (a page of due contacts — callbacks first — and the live
   figures), ask `selection.next_calls`, record each dial's `DialAttempt` and hand the
   dial to the engine thread (`CampaignCalls.place`);
4. a campaign with no contact left to try (and no call up) is `finished`.

Preview campaigns place nothing here: the agents ask for records and dial
(`campaign_commands.py`).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from appliance.dialer.campaign import CampaignState, Dial
from appliance.dialer.const import CampaignStatus, Mode, Outcome
from appliance.dialer.retry import STANDARD
from appliance.dialer.selection import next_calls
from appliance.dialer.stats import PacingStats
from appliance.engine.campaign_records import Ended, Live, Placed
from appliance.engine.session import new_call_id
from appliance.store import campaigns
from appliance.store.models import Campaign, CampaignContact, DialAttempt, ScheduledCallback

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0
ASK_TIMEOUT = 5.0  # seconds to wait for the engine thread
SEED_ATTEMPTS = 300  # ended attempts a campaign's figures are rebuilt from at start


class CampaignRunner:
    """The dialer thread of one engine."""

    def __init__(self, board: Switchboard, stopping: threading.Event) -> None:
        self.board = board
        self.stopping = stopping
        self.stats: dict[int, PacingStats] = {}  # campaign id -> measured figures
        self.lock = threading.Lock()  # one tick or preview command at a time on the store
        self.previews: dict[str, tuple[int, int]] = {}  # agent -> (campaign, contact) held
        self.skipped: dict[str, set[int]] = {}  # agent -> contacts they skipped

    def start(self) -> None:
        """Start the dialer thread."""
        threading.Thread(target=self._run, name="dialer", daemon=True).start()

    def _run(self) -> None:
        """Tick until the engine stops; a failing tick is logged and the next one tried."""
        try:
            with self.lock:
                close_interrupted(time.time())
        except Exception:
            log.exception("closing the attempts of an earlier engine failed")
        while not self.stopping.wait(TICK_SECONDS):
            try:
                with self.lock:
                    self.tick(time.time())
            except Exception:
                log.exception("dialer tick failed")

    def on_engine(self, fn: Any) -> Any:
        """Run fn on the engine thread and return its result."""
        return self.board.reactor.submit(fn).result(ASK_TIMEOUT)

    # --- one tick --------------------------------------------------------------------------

    def tick(self, now: float) -> None:
        """Write the calls that ended, then place each running campaign's next calls."""
        rows = list(Campaign.select().where(Campaign.status == CampaignStatus.RUNNING.value))
        live = self.on_engine(functools.partial(self.live_all, rows))
        ended_contacts = self.record_ends()
        for row in rows:
            try:
                self._tick_campaign(row, live[row.id], ended_contacts, now)
            except ValueError as exc:  # its settings no longer read (a schedule deleted…)
                log.error("campaign %s not dialled: %s", row.name, exc)

    def live_all(self, rows: Iterable[Campaign]) -> dict[int, Live]:
        """Return every campaign's live figures (engine thread)."""
        return {r.id: self.board.campaigns.live(r.id, tuple(r.agents), r.queue) for r in rows}

    def _tick_campaign(self, row: Campaign, live: Live, ended: set[int], now: float) -> None:
        """Place a campaign's next calls, or finish it when nothing is left."""
        if live.calls == 0 and not _left_to_try(row):
            campaigns.set_status(row, CampaignStatus.FINISHED)
            log.info("campaign %s finished: no contact left to try", row.name)
            return
        spec = campaigns.campaign_for(row)
        if spec.mode is Mode.PREVIEW:
            return
        if spec.mode is Mode.AGENTLESS and spec.flow not in self._flows():
            log.error("campaign %s: flow %r is not active; nothing dialled", row.name, spec.flow)
            return
        free = live.free_channels
        if spec.max_channels:  # the campaign's own ceiling, whatever its mode
            free = min(free, max(0, spec.max_channels - live.calls))
        state = CampaignState(
            spec, campaigns.due_contacts(row, now), campaigns.StoreDnc(), self.stats_of(row),
            live.ready_agents, live.busy_agents, (), live.in_flight, free,
            live.contacts | ended,
        )  # fmt: skip
        for dial in next_calls(state, now):
            self.place(row, dial, now)

    def _flows(self) -> set[str]:
        """Return the names of the active IVR flows the engine holds."""
        return set(self.on_engine(lambda: set(self.board.directory.flows)))

    def place(self, row: Campaign, dial: Dial, now: float) -> None:
        """Record a dial's attempt and have the engine thread place it."""
        call_id = new_call_id()
        attempt = campaigns.attempt_started(dial, now, call_id)
        placed = Placed(attempt.id, call_id, tuple(row.agents), row.queue, row.flow,
                        self.board.settings.language, bool(row.amd))  # fmt: skip
        self.on_engine(functools.partial(self.board.campaigns.place, dial, placed))

    def record_ends(self) -> set[int]:
        """Write every attempt that ended since the last tick; return their contacts."""
        contacts: set[int] = set()
        while not self.board.campaigns.results.empty():
            ended = self.board.campaigns.results.get()
            contacts.add(ended.contact_id)
            self._record(ended)
        return contacts

    def _record(self, ended: Ended) -> None:
        """Write one ended attempt and count it in its campaign's figures."""
        attempt = DialAttempt.get_or_none(DialAttempt.id == ended.attempt)
        row = Campaign.get_or_none(Campaign.id == ended.campaign_id)
        if attempt is None or row is None:  # deleted meanwhile
            return
        if ended.agent and not attempt.agent:
            attempt.agent = ended.agent
        campaigns.attempt_ended(attempt, ended.outcome, ended.ended_at,
                                campaigns.campaign_for(row).retry)  # fmt: skip
        stats = self.stats_of(row)
        stats.dial_ended(ended.ended_at, ended.outcome, ended.seconds_to_answer)
        if ended.handled_seconds is not None:
            stats.call_handled(ended.handled_seconds)
        stats.adapt(ended.ended_at, row.drop_cap)

    def stats_of(self, row: Campaign) -> PacingStats:
        """Return a campaign's figures, rebuilt from its latest attempts the first time."""
        stats = self.stats.get(row.id)
        if stats is None:
            stats = self.stats[row.id] = PacingStats(zone=row.default_zone)
            latest = (DialAttempt.select().where((DialAttempt.campaign == row)
                      & DialAttempt.ended_at.is_null(False)).order_by(DialAttempt.id.desc())
                      .limit(SEED_ATTEMPTS))  # fmt: skip
            for attempt in reversed(list(latest)):
                if attempt.outcome in {o.value for o in Outcome}:
                    stats.dial_ended(attempt.ended_at or 0.0, Outcome(attempt.outcome))
        return stats


def _left_to_try(row: Campaign) -> bool:
    """Return true if a contact of the campaign may still be called (or a callback waits)."""
    open_contacts = CampaignContact.select().where(
        (CampaignContact.campaign == row) & (CampaignContact.done == False)  # noqa: E712
    )
    waiting = ScheduledCallback.select().where(
        (ScheduledCallback.campaign == row) & ScheduledCallback.done_at.is_null()
    )
    return open_contacts.exists() or waiting.exists()


def close_interrupted(now: float) -> int:
    """End the attempts an earlier engine left open (it stopped or died mid-call); return how many.

    Their calls are gone with that engine (closed `interrupted` by the recovery), so
    each counts as `failed` and its contact is retried as the campaign's policy says.
    """
    closed = 0
    for attempt in DialAttempt.select().where(DialAttempt.ended_at.is_null()):
        try:
            policy = campaigns.campaign_for(attempt.campaign).retry
        except ValueError:  # its settings no longer read: the standard policy
            policy = STANDARD
        campaigns.attempt_ended(attempt, Outcome.FAILED, now, policy)
        closed += 1
    if closed:
        log.warning("%d campaign attempt(s) cut by an engine stop closed as failed", closed)
    return closed
