"""The unit report: what the builder reads from the box, and the job sending it to a real
reseller endpoint (the web app on loopback, over HTTPS with a private CA)."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from peewee import Database
from store_support import settings, store
from werkzeug.serving import make_server

from appliance.config import Settings, load
from appliance.health.alerts import CRITICAL, raise_alert
from appliance.jobs import unit_report
from appliance.jobs.scheduler import build_scheduler
from appliance.store.models import Agent, Cdr, ResellerUnit, User
from appliance.supervisor.statefile import write_json_atomic
from provisioning.unit_report.builder import build_report
from provisioning.unit_report.schema import problem
from provisioning.unit_report.sender import ReportNotSent, check_url
from web import create_app
from web.auth.services import hash_password
from web.reseller import services
from web.tls import generate

__all__ = ["settings", "store"]  # fixtures
PASSWORD = "correct horse battery staple"


def test_the_report_reads_the_box(settings: Settings, store: Database) -> None:
    write_json_atomic(settings.var / "unit.json", {
        "unit": {"serial": "CB-7", "hostname": "shop-7"}, "branding": {"name": "ACME"},
        "profile": "/etc/callbox/unit.yml", "profile_sha256": "cd" * 32})  # fmt: skip
    raise_alert(store, "service.engine", "service_down", detail="restarted", severity=CRITICAL)
    now = datetime.now(UTC)
    for call_id, started in (("today", now), ("yesterday", now - timedelta(days=1, hours=1))):
        Cdr.create(call_id=call_id, started_at=started.timestamp(),
                   ended_at=started.timestamp() + 60, outcome="answered")  # fmt: skip
    Agent.create(extension="1001", name="A", sip_password="x" * 12, state="ready")
    Agent.create(extension="1002", name="B", sip_password="x" * 12)  # logged out
    report = build_report(settings, now)
    assert problem(report) is None
    assert (report["serial"], report["hostname"]) == ("CB-7", "shop-7")
    assert report["unit"] == {"name": "ACME", "profile": "/etc/callbox/unit.yml",
                              "profile_sha256": "cd" * 32}  # fmt: skip
    assert report["calls_today"] == 1 and report["agents_logged_in"] == 1
    alert = report["health"]["alerts"][0]
    assert (alert["key"], alert["severity"], alert["detail"]) == ("service.engine", "critical",
                                                                  "restarted")  # fmt: skip
    assert report["health"]["services"]["store"] is True
    assert report["disk"]["free_bytes"] > 0 and report["uptime_seconds"] > 0
    assert report["interval_minutes"] == 5


@contextlib.contextmanager
def serving_https(app: Flask, folder: Path) -> Iterator[tuple[int, Path]]:
    """Serve app over HTTPS on loopback with a fresh certificate; yield the port and the CA."""
    cert, key = folder / "ca.pem", folder / "key.pem"
    generate(cert, key, ["DNS:localhost", "IP:127.0.0.1"])
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=(str(cert), str(key)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port, cert
    finally:
        server.shutdown()


def unit_settings(settings: Settings, url: str, token: str, ca: str = "") -> Settings:
    """Return the unit's settings reporting to url."""
    provisioning = {"report_url": url, "report_token": token, "report_ca_file": ca,
                    "report_timeout_seconds": 2.0}  # fmt: skip
    overrides = {"paths": {"var": settings.paths.var}, "provisioning": provisioning}
    return load("/nonexistent", env={}, overrides=overrides)


def test_a_unit_reports_to_the_reseller_and_shows_on_its_page(
    settings: Settings, store: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app({"CALLBOX_SETTINGS": settings, "TESTING": True})
    User.create(username="owner", password_hash="x", role="admin")  # no first-run wizard
    reseller = User.create(username="acme", password_hash=hash_password(PASSWORD), role="reseller")
    with app.test_request_context():
        _, token = services.register(reseller, "CB-9", "Shop nine")
    write_json_atomic(settings.var / "unit.json", {"unit": {"serial": "CB-9", "hostname": "s9"}})
    with serving_https(app, tmp_path) as (port, ca):
        url = f"https://127.0.0.1:{port}/reseller/api/report"
        reporter = unit_report.UnitReporter()
        assert reporter.run(unit_settings(settings, url, token, str(ca))) is True
        unit = ResellerUnit.get(ResellerUnit.serial == "CB-9")
        assert unit.last_seen_at is not None and unit.report["hostname"] == "s9"
        client = app.test_client()
        page = client.get("/login")
        csrf = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "acme", "password": PASSWORD, "csrf_token": csrf})
        listing = client.get("/reseller/").get_data(as_text=True)
        assert 'data-serial="CB-9"' in listing and unit.version in listing
        # The system's CAs do not know the private one: refused, logged once, not stored again.
        caplog.set_level(logging.DEBUG, logger="appliance.jobs.unit_report")
        untrusted = unit_settings(settings, url, token)
        assert reporter.run(untrusted) is False and reporter.run(untrusted) is False
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "CERTIFICATE_VERIFY_FAILED" in warnings[0].getMessage()
        assert reporter.run(unit_settings(settings, url, "wrong-token-" * 3, str(ca))) is False
        assert reporter.run(unit_settings(settings, url, token, str(ca))) is True
        assert any("takes reports again" in r.getMessage() for r in caplog.records)


def test_a_down_server_does_not_stall_the_job(settings: Settings, store: Database) -> None:
    """A server that takes the connection and never answers costs one timeout, no more."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepted by the kernel, never answered
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: refused at once
    try:
        for port, most in ((silent.getsockname()[1], 4.0), (closed.getsockname()[1], 2.0)):
            url = f"http://127.0.0.1:{port}/reseller/api/report"
            started = time.monotonic()
            assert unit_report.UnitReporter().run(unit_settings(settings, url, "t" * 30)) is False
            assert time.monotonic() - started < most
    finally:
        silent.close()
        closed.close()


@pytest.mark.parametrize("url", ["http://reseller.example/api", "ftp://127.0.0.1/x", "https://"])
def test_the_token_never_travels_in_clear_off_this_machine(url: str) -> None:
    with pytest.raises(ReportNotSent, match="must be an https:// URL"):
        check_url(url)
    check_url("https://reseller.example/reseller/api/report")
    check_url("http://127.0.0.1:8080/reseller/api/report")


def test_the_scheduler_reports_only_when_a_url_is_set(settings: Settings, tmp_path: Path) -> None:
    assert "unit-report" not in [j.id for j in build_scheduler(settings).get_jobs()]
    reporting = unit_settings(settings, "https://reseller.example/r", "t" * 30)
    job = build_scheduler(reporting).get_job("unit-report")
    assert job is not None and job.trigger.interval == timedelta(minutes=5)
