"""Write call events, legs and CDRs off the engine thread, in small committed batches.

The engine must never wait for the disk (a slow write inside a pjsua2 callback
stalls every call), yet an event must be durable before anyone is told of it.  So
the engine appends to a queue; this thread commits what has gathered in one
transaction (SQLite WAL, synchronous=FULL) and only then hands the events to
`on_committed`, which publishes them.  A failed commit (disk full, database
locked) is retried with the same batch: nothing is dropped.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from peewee import Database

from appliance.store.models import (
    Agent,
    CallEvent,
    CallLeg,
    Cdr,
    QueueCallback,
    SurveyResult,
)
from appliance.voicemail.boxes import apply_change

log = logging.getLogger(__name__)
Row = dict[str, Any]
MAX_BATCH = 1000
RETRY_SECONDS = (0.05, 0.2, 1.0, 2.0)


class EventWriter:
    """A background writer for call events, legs and CDRs."""

    def __init__(self, database: Database, on_committed: Callable[[list[Row]], None]) -> None:
        self.database = database
        self.on_committed = on_committed
        self._queue: queue.SimpleQueue[tuple[str, Row] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="event-writer", daemon=True)
        self._idle = threading.Event()
        self._pending = 0
        self._lock = threading.Lock()
        self.committed_batches = 0

    def start(self) -> None:
        """Start the writer thread."""
        self._thread.start()

    def event(self, call_id: str, kind: str, data: Row | None = None, leg: str = "") -> Row:
        """Queue a call event stamped now; return it."""
        row = {"call_id": call_id, "at": time.time(), "kind": kind, "leg": leg, "data": data or {}}
        self._put("event", row)
        return row

    def leg(self, row: Row) -> None:
        """Queue a finished leg's row."""
        self._put("leg", row)

    def cdr(self, row: Row) -> None:
        """Queue a CDR (replacing any earlier one for the call)."""
        self._put("cdr", row)

    def agent_state(self, extension: str, state: str, reason: str) -> None:
        """Queue an agent state the box itself decided (e.g. an auto-pause), to keep it."""
        self._put("agent", {"extension": extension, "state": state, "state_reason": reason})

    def agent_forward(self, extension: str, number: str, column: str = "forward_to") -> None:
        """Queue an agent's forward number set from their phone (a feature code), to keep it.

        column: forward_to (always), forward_busy or forward_no_answer.
        """
        self._put("agent", {"extension": extension, column: number})

    def callback(self, row: Row) -> None:
        """Queue a queue callback's current state (replacing its earlier row)."""
        self._put("callback", row)

    def survey(self, row: Row) -> None:
        """Queue a survey answer's row."""
        self._put("survey", row)

    def survey_comment(self, call_id: str, node: str, comment: str) -> None:
        """Queue a voice comment for the survey answer already queued for call_id and node."""
        self._put("survey_comment", {"call_id": call_id, "node": node, "comment": comment})

    def voicemail(self, row: Row) -> None:
        """Queue a voicemail change (a message left, heard, saved, deleted: `apply_change`).

        When a box's new/old counts change, a ``voicemail.mwi`` event is written in
        the same transaction and published with the batch.
        """
        self._put("voicemail", row)

    def _put(self, kind: str, row: Row) -> None:
        """Queue one item and note that work is pending."""
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._queue.put((kind, row))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is committed; return false on timeout."""
        return self._idle.wait(timeout) if self._pending else True

    def stop(self, timeout: float = 10.0) -> None:
        """Commit what is queued and stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        """Gather, commit, publish, until stopped."""
        while True:
            batch, stop = self._gather()
            if batch:
                written = self._commit(batch)
                self._publish([row for kind, row in batch if kind == "event"] + written)
                self._done(len(batch))
            if stop:
                return

    def _gather(self) -> tuple[list[tuple[str, Row]], bool]:
        """Block for one item, then take whatever else is already queued."""
        item = self._queue.get()
        if item is None:
            return [], True
        batch = [item]
        while len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _commit(self, batch: list[tuple[str, Row]]) -> list[Row]:
        """Write batch in one transaction, retrying until it sticks; return events it made."""
        attempt = 0
        while True:
            try:
                with self.database.atomic():
                    made = self._write(batch)
                self.committed_batches += 1
                return made
            except Exception as exc:  # disk full, locked: keep the batch, try again
                delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                log.error("event write failed (%s); retrying in %.2f s", exc, delay)
                attempt += 1
                time.sleep(delay)

    @staticmethod
    def _write(batch: list[tuple[str, Row]]) -> list[Row]:
        """Insert the rows of one batch; return the events the writing itself made."""
        events = [row for kind, row in batch if kind == "event"]
        if events:
            CallEvent.insert_many(events).execute()
        made = [_voicemail(row) for kind, row in batch if kind == "voicemail"]
        mwi = [row for row in made if row is not None]
        if mwi:
            CallEvent.insert_many(mwi).execute()
        for kind, row in batch:
            if kind == "leg":
                CallLeg.insert(**row).on_conflict_replace().execute()
            elif kind == "cdr":
                Cdr.insert(**row).on_conflict_replace().execute()
            elif kind == "callback":
                QueueCallback.insert(**row).on_conflict_replace().execute()
            elif kind == "survey":
                SurveyResult.insert(**row).execute()
            elif kind == "survey_comment":
                SurveyResult.update(comment=row["comment"]).where(
                    (SurveyResult.call_id == row["call_id"]) & (SurveyResult.node == row["node"])
                ).execute()
            elif kind == "agent":
                fields = {k: v for k, v in row.items() if k != "extension"}
                Agent.update(**fields).where(Agent.extension == row["extension"]).execute()
        return mwi

    def _publish(self, events: list[Row]) -> None:
        """Hand committed events on, never letting a subscriber's fault stop the writer."""
        if not events:
            return
        try:
            self.on_committed(events)
        except Exception:
            log.exception("publishing events failed")

    def _done(self, count: int) -> None:
        """Count items committed; signal idle when none are pending."""
        with self._lock:
            self._pending -= count
            if self._pending == 0:
                self._idle.set()


def _voicemail(row: Row) -> Row | None:
    """Apply a voicemail change; return its ``voicemail.mwi`` event, if the counts changed.

    A change naming a message already deleted (two listeners at once) is logged and
    dropped: retrying it could never succeed.
    """
    try:
        data = apply_change(row)
    except LookupError as exc:
        log.warning("voicemail change not applied: %s", exc)
        return None
    if data is None:
        return None
    return {"call_id": "", "at": time.time(), "kind": "voicemail.mwi", "leg": "", "data": data}
