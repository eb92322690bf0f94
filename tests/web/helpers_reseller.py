"""Helpers of the reseller tests: a reseller user, a valid unit report, posting one."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from helpers_web import PASSWORD

from appliance.store.models import User
from web.auth.services import hash_password


def make_user(username: str, role: str, language: str = "en") -> User:
    """Create a user of role whose password is PASSWORD."""
    return User.create(username=username, password_hash=hash_password(PASSWORD), role=role,
                       language=language)  # fmt: skip


def report(serial: str, version: str = "1.2.0", **changes: Any) -> dict[str, Any]:
    """Return a valid unit report of serial (changes replace top-level fields)."""
    document: dict[str, Any] = {
        "format": 1,
        "serial": serial,
        "hostname": f"host-{serial.lower()}",
        "unit": {"name": "ACME", "profile": "/etc/callbox/unit.yml", "profile_sha256": "ab" * 32},
        "version": version,
        "uptime_seconds": 7200,
        "interval_minutes": 5,
        "health": {"alerts": [], "services": {"engine": True, "kamailio": True}},
        "calls_today": 12,
        "agents_logged_in": 3,
        "disk": {"free_bytes": 5 * 2**30, "total_bytes": 20 * 2**30},
        "generated_at": "2026-11-28T03:00:00Z",
    }
    document.update(changes)
    return document


def post_report(client: FlaskClient, token: str, body: Any) -> Any:
    """POST body (a dict as JSON, or raw bytes) to the report endpoint with token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(body, bytes):
        return client.post("/reseller/api/report", data=body, headers=headers,
                           content_type="application/json")  # fmt: skip
    return client.post("/reseller/api/report", json=body, headers=headers)
