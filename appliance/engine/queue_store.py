"""Store reads for queue behaviour (off the engine thread, with `load_directory`).

The engine thread never reads the store: what queue behaviour needs from it — each
queue's options, recent handle times to seed the wait estimate, the trunk to dial
out through, callbacks still waiting — is read here into plain data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.ewt import WINDOW
from appliance.callflow.queue_options import Presence, QueueBehaviour
from appliance.store.models import Cdr, Queue, QueueCallback, Trunk

HISTORY_DAYS = 7  # handle times older than this say little about today's wait


@dataclass(frozen=True)
class TrunkPeer:
    """Where calls out (external numbers, callbacks) are sent."""

    name: str
    host: str
    port: int
    max_channels: int = 0  # calls at once on this trunk, in and out; 0: no limit
    kind: str = "peer"  # peer (IP-authenticated) | register (digest, registers to host:port)
    username: str = ""
    password: str = field(default="", repr=False)

    def uri(self, number: str) -> str:
        """Return the SIP URI of number at this peer."""
        return f"sip:{number}@{self.host}:{self.port}"

    def caller_id_headers(self, caller_id: str) -> dict[str, str] | None:
        """Return the header presenting caller_id to this carrier (None without one)."""
        return {"P-Asserted-Identity": f"<sip:{caller_id}@{self.host}>"} if caller_id else None


@dataclass(frozen=True)
class PendingCallback:
    """A callback kept in the store, waiting for an agent."""

    callback_id: str
    call_id: str
    queue: str
    number: str
    priority: int
    joined_at: float
    attempts: int


def queue_behaviour(row: Queue) -> QueueBehaviour:
    """Return a queue row's behaviour options (values are checked at configure time)."""
    return QueueBehaviour(
        announce_seconds=row.announce_seconds,
        periodic_seconds=row.periodic_seconds,
        periodic_prompt=row.periodic_prompt,
        exit_key=row.exit_key,
        exit_target=row.exit_target,
        join_when=_presence(row.join_when),
        stay_when=_presence(row.stay_when),
        callback_attempts=row.callback_attempts,
        callback_retry_seconds=row.callback_retry_seconds,
    )


def _presence(text: str) -> Presence:
    """Return text as a Presence, or as it is (check_queues names it) when unknown."""
    try:
        return Presence(text)
    except ValueError:
        return text  # type: ignore[return-value]


def queue_extras() -> dict[str, Any]:
    """Return the Directory fields queue behaviour adds."""
    return {
        "handle_times": recent_handle_times(),
        "outbound": outbound_trunk(),
        "callbacks": pending_callbacks(),
    }


def recent_handle_times(now: float | None = None) -> dict[str, list[float]]:
    """Return the last answered calls' talk times per queue, oldest first."""
    since = (now or time.time()) - HISTORY_DAYS * 86400
    rows = (
        Cdr.select(Cdr.queue, Cdr.talk_seconds)
        .where((Cdr.outcome == "answered") & Cdr.queue.is_null(False) & (Cdr.started_at > since))
        .order_by(Cdr.started_at.desc())
        .limit(WINDOW * 200)
    )
    times: dict[str, list[float]] = {}
    for row in rows:
        samples = times.setdefault(str(row.queue), [])
        if len(samples) < WINDOW:
            samples.append(row.talk_seconds)
    return {queue: samples[::-1] for queue, samples in times.items()}


def outbound_trunk() -> TrunkPeer | None:
    """Return the first enabled trunk (calls out go through it), or None."""
    row = Trunk.select().where(Trunk.enabled == True).order_by(Trunk.id).first()  # noqa: E712
    return trunk_peer(row) if row else None


def trunk_peer(row: Trunk) -> TrunkPeer:
    """Return a trunk row as the engine's plain TrunkPeer."""
    return TrunkPeer(
        row.name, row.host, row.port, row.max_channels, row.kind, row.username, row.password
    )


def pending_callbacks() -> list[PendingCallback]:
    """Return callbacks still waiting for an agent, in request order."""
    rows = QueueCallback.select().where(QueueCallback.state == "waiting")
    return [
        PendingCallback(
            r.callback_id, r.call_id, r.queue, r.number, r.priority, r.joined_at, r.attempts
        )
        for r in rows.order_by(QueueCallback.requested_at)
    ]
