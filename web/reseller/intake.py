"""Take a unit's report: who sent it (its token), whether it reads, and keeping it.

The endpoint is for programs (the units' report job): answers are JSON, errors say
what is wrong in one line.  A unit is known by the SHA-256 of its token, and the
report must name that unit's serial, so one unit's token cannot file another's report.
"""

from __future__ import annotations

import json
from typing import Any

from appliance.store.database import db
from appliance.store.models import ResellerUnit, UnitReport, utcnow
from provisioning.unit_report.schema import health_of, problem
from web.auth.services import bearer_token, hash_token
from web.exceptions import BadRequest, TooLarge, Unauthorized

MAX_REPORT_BYTES = 64 * 1024  # a report is a few KB; its alert list is capped at 200
HISTORY = 50  # reports kept per unit (at 5 minutes: about four hours)


def unit_for(authorization: str | None) -> ResellerUnit:
    """Return the unit whose token the Authorization header carries; 401 otherwise."""
    token = bearer_token(authorization)
    unit = ResellerUnit.get_or_none(ResellerUnit.token_hash == hash_token(token)) if token else None
    if unit is None:
        raise Unauthorized("Send the unit's report token as `Authorization: Bearer <token>`.")
    return unit


def parse(body: bytes, length: int | None) -> dict[str, Any]:
    """Return the report in body; 413 when it is too big, 400 naming what is wrong."""
    if (length or 0) > MAX_REPORT_BYTES or len(body) > MAX_REPORT_BYTES:
        raise TooLarge(f"A report is at most {MAX_REPORT_BYTES} bytes.")
    try:
        report = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"The body is not JSON: {exc}.", error_id="not-json") from None
    wrong = problem(report)
    if wrong is not None:
        raise BadRequest(f"Not a unit report: {wrong}.", error_id="bad-report")
    return dict(report)


def store(unit: ResellerUnit, report: dict[str, Any]) -> ResellerUnit:
    """Keep report as the unit's latest and in its history (the oldest beyond HISTORY go)."""
    if report["serial"] != unit.serial:
        raise Unauthorized(f"This token is not the token of unit {report['serial']}.")
    now = utcnow()
    with db.atomic():
        unit.last_seen_at, unit.report = now, report
        unit.version, unit.health = report["version"], health_of(report)
        unit.calls_today = report["calls_today"]
        unit.save()
        UnitReport.create(unit=unit, received_at=now, report=report)
        newest = UnitReport.received_at.desc(), UnitReport.id.desc()
        kept = UnitReport.select(UnitReport.id).where(UnitReport.unit == unit)
        kept = kept.order_by(*newest).limit(HISTORY)
        UnitReport.delete().where((UnitReport.unit == unit) & UnitReport.id.not_in(kept)).execute()
    return unit
