"""Read the business-hours schedules of the store (off the engine thread, with `load_directory`)."""

from __future__ import annotations

from appliance.callflow.hours import Schedule
from appliance.callflow.hours_schema import parse_schedule
from appliance.store.models import BusinessHours


def load_schedules() -> dict[str, Schedule]:
    """Return every schedule by name; raise KeyError naming a malformed one (nothing applied)."""
    schedules = {}
    for row in BusinessHours.select().order_by(BusinessHours.name):
        spec = {"name": row.name, "timezone": row.timezone, "weekly": row.weekly,
                "holidays": row.holidays, "workdays": row.workdays}  # fmt: skip
        try:
            schedules[row.name] = parse_schedule(spec)
        except (KeyError, ValueError) as exc:
            raise KeyError(f"business hours: {exc.args[0]}") from None
    return schedules
