"""The unit report's JSON Schema: what the builder writes and the reseller's endpoint accepts.

One schema for both ends, so a unit and the reseller's box agree on the format; a
report that does not match is refused with the path of the first bad value.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

REPORT_FORMAT = 1
SEVERITIES = ("warning", "critical")

_TEXT = {"type": "string", "maxLength": 255}
_COUNT = {"type": "integer", "minimum": 0}
_ALERT = {
    "type": "object",
    "properties": {"key": _TEXT, "kind": _TEXT, "severity": {"enum": list(SEVERITIES)},
                   "detail": {"type": "string", "maxLength": 2000}, "since": _TEXT},
    "required": ["key", "kind", "severity"],
}  # fmt: skip
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "format": {"const": REPORT_FORMAT},
        "serial": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,64}$"},
        "hostname": _TEXT,
        "unit": {"type": "object", "properties": {"name": _TEXT, "profile": _TEXT,
                                                  "profile_sha256": _TEXT}},
        "version": {"type": "string", "minLength": 1, "maxLength": 64},
        "uptime_seconds": _COUNT,
        "interval_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
        "health": {
            "type": "object",
            "properties": {"alerts": {"type": "array", "items": _ALERT, "maxItems": 200},
                           "services": {"type": "object",
                                        "additionalProperties": {"type": "boolean"}}},
            "required": ["alerts", "services"],
        },
        "calls_today": _COUNT,
        "agents_logged_in": _COUNT,
        "disk": {"type": "object", "properties": {"free_bytes": _COUNT, "total_bytes": _COUNT},
                 "required": ["free_bytes"]},
        "generated_at": _TEXT,
    },
    "required": ["format", "serial", "version", "interval_minutes", "health", "calls_today",
                 "agents_logged_in", "disk"],
}  # fmt: skip
_VALIDATOR = Draft202012Validator(SCHEMA)


def problem(report: Any) -> str | None:
    """Return the first thing wrong with report as one line, None when it is valid."""
    errors = sorted(_VALIDATOR.iter_errors(report), key=lambda e: list(e.absolute_path))
    return _describe(errors[0]) if errors else None


def _describe(error: ValidationError) -> str:
    """Return a validation error as `where: what`."""
    where = "report"
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
    return f"{where}: {message}"


def health_of(report: dict[str, Any]) -> str:
    """Return ok, warning or critical: the worst severity among the report's active alerts."""
    severities = {alert.get("severity") for alert in report["health"]["alerts"]}
    return "critical" if "critical" in severities else "warning" if severities else "ok"
