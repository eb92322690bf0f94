"""The scheduled dial-out job (撥出預約): make the calls out people booked, on time.

Every INTERVAL_SECONDS the scheduler looks for bookings that are due and asks the
engine for a click-to-dial (`agent.dial`): the booker's phone rings, and once they
answer the number is called through the outbound routes with their class of service —
a booked call is allowed exactly what a call they dialled themselves would be.

A booking the engine refuses (phone not registered, in a call, number not allowed) is
`failed` with the engine's reason; while the engine does not answer at all the booking
stays pending and is tried again at the next run, until MISSED_AFTER_SECONDS past its
time, when nobody expects that call any more and it is `missed`.  Each booking is
claimed before it is dialled, so a scheduler killed mid-run never dials one twice.
"""

from __future__ import annotations

import logging
import time

from appliance.config import Settings
from appliance.engine.control import ControlClient, ControlError, EngineUnavailable
from appliance.jobs.store_access import migrated_store
from appliance.store.models import ScheduledDial

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 10
MISSED_AFTER_SECONDS = 600
PENDING, DIALLING, DIALLED, FAILED, MISSED, CANCELLED = (
    "pending", "dialling", "dialled", "failed", "missed", "cancelled",
)  # fmt: skip


def dial_due(settings: Settings, now: float | None = None) -> dict[int, str]:
    """Dial every booking that is due; return {booking id: its new status}."""
    now = time.time() if now is None else now
    with migrated_store(settings) as ready:
        if not ready:
            return {}
        recover_claims()  # one run at a time (max_instances=1): a claim seen now is stale
        due = (
            ScheduledDial.select()
            .where((ScheduledDial.status == PENDING) & (ScheduledDial.due_at <= now))
            .order_by(ScheduledDial.due_at)
        )
        return {booking.id: _dial(booking, settings, now) for booking in list(due)}


def _dial(booking: ScheduledDial, settings: Settings, now: float) -> str:
    """Dial one due booking (or call it missed); return its new status."""
    if now - booking.due_at > MISSED_AFTER_SECONDS:
        return _finish(booking, MISSED, f"{round(now - booking.due_at)} s late", now)
    if not _claim(booking):
        return str(ScheduledDial.get_by_id(booking.id).status)  # cancelled meanwhile
    try:
        answer = ControlClient(settings.engine.control_socket).call(
            "agent.dial", extension=booking.extension, number=booking.number
        )
    except EngineUnavailable as exc:
        _release(booking)
        log.warning("booked call %d: %s; tried again in %d s", booking.id, exc, INTERVAL_SECONDS)
        return PENDING
    except ControlError as exc:
        log.info("booked call %d to %s refused: %s", booking.id, booking.number, exc)
        return _finish(booking, FAILED, f"{exc.error_id}: {exc}", now)
    log.info("booked call %d: ringing %s for %s", booking.id, booking.extension, booking.number)
    return _finish(booking, DIALLED, str(answer.get("call_id", "")), now)


def _claim(booking: ScheduledDial) -> bool:
    """Mark a pending booking as being dialled; return false if it is no longer pending."""
    mine = (ScheduledDial.id == booking.id) & (ScheduledDial.status == PENDING)
    return bool(ScheduledDial.update(status=DIALLING).where(mine).execute())


def _release(booking: ScheduledDial) -> None:
    """Put a claimed booking back to pending (the engine did not answer)."""
    claimed = (ScheduledDial.id == booking.id) & (ScheduledDial.status == DIALLING)
    ScheduledDial.update(status=PENDING).where(claimed).execute()


def _finish(booking: ScheduledDial, status: str, detail: str, now: float) -> str:
    """Record how a booking ended."""
    ScheduledDial.update(status=status, detail=detail[:255], done_at=now).where(
        ScheduledDial.id == booking.id
    ).execute()
    return status


def recover_claims() -> int:
    """Mark bookings left `dialling` by a killed run as failed; return how many.

    The engine may or may not have rung the phone before the kill: calling it again
    could ring someone twice, so the booking says what happened and the user decides.
    """
    return (
        ScheduledDial.update(status=FAILED, detail="interrupted: the scheduler stopped mid-dial")
        .where(ScheduledDial.status == DIALLING)
        .execute()
    )
