"""Health checks: discovery, each check against a real peer, and check_all's shape."""

from __future__ import annotations

import http.server
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import Settings, load
from appliance.engine.control import ControlServer
from appliance.health import check_all
from appliance.health.checks import discover
from appliance.health.heartbeat import touch
from appliance.store.manager import open_store

SERVICES = {"engine", "kamailio", "scheduler", "store", "watchdog", "web"}
CONDITIONS = {"agents", "boards", "calls", "cpu", "disk", "memory", "outbound", "sipgw",
              "trunks"}  # fmt: skip
ALL = SERVICES | CONDITIONS


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings on a temporary state folder and a port nothing listens on."""
    env = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_WEB__PORT": "9",
        "CALLBOX_SIP__PORT": "9",
    }
    return load(tmp_path / "absent.yml", env=env)


def test_every_check_is_discovered() -> None:
    """Find one check per service by scanning the package."""
    assert set(discover()) == ALL


def test_nothing_running_fails_everything_with_details(settings: Settings) -> None:
    """Report each service down, with a detail, in the API shape; engine reads are not checked."""
    results = check_all(settings)
    assert set(results) == ALL
    for name, result in results.items():
        assert isinstance(result["detail"], str) and result["detail"], name
        if name in SERVICES:
            assert result["ok"] is False, name
    for name in ("agents", "calls", "trunks"):
        assert results[name] == {"ok": True, "detail": "not checked: the engine does not answer"}


def test_skip_and_only(settings: Settings) -> None:
    """Leave out skipped services; run only the named ones."""
    assert set(check_all(settings, skip=("web",))) == ALL - {"web"}
    assert set(check_all(settings, only=("store", "engine"))) == {"store", "engine"}


def test_checks_run_concurrently(settings: Settings) -> None:
    """Take about one timeout, not the sum of them, when everything is down."""
    started = time.monotonic()
    check_all(settings)
    assert time.monotonic() - started < 2.5


def test_heartbeats_fresh_and_stale(settings: Settings) -> None:
    """Pass a fresh heartbeat file and fail one older than 10 s."""
    run = Path(settings.paths.run)
    touch(run / "scheduler.heartbeat")
    touch(run / "watchdog.heartbeat")
    old = time.time() - 30
    os.utime(run / "watchdog.heartbeat", (old, old))
    results = check_all(settings, only=("scheduler", "watchdog"))
    assert results["scheduler"]["ok"] is True
    assert results["watchdog"] == {"ok": False, "detail": "heartbeat is 30 s old (limit 10 s)"}


def test_store_ok_and_corrupt(settings: Settings) -> None:
    """Pass a migrated database; fail a damaged one."""
    open_store(settings).close()
    assert check_all(settings, only=("store",))["store"]["ok"] is True
    Path(settings.paths.database).write_bytes(b"garbage" * 1000)
    Path(f"{settings.paths.database}-wal").unlink(missing_ok=True)
    Path(f"{settings.paths.database}-shm").unlink(missing_ok=True)
    result = check_all(settings, only=("store",))["store"]
    assert result["ok"] is False and "not a database" in result["detail"]


def test_store_quick_check_is_not_run_every_time(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reuse the quick_check verdict within the interval (it reads every page)."""
    from appliance.health.checks import store

    open_store(settings).close()
    calls: list[str] = []
    original_connect = sqlite3.connect

    def counting_connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        """Connect, recording every statement run."""
        conn = original_connect(*args, **kwargs)  # type: ignore[call-overload]
        conn.set_trace_callback(calls.append)
        return conn

    monkeypatch.setattr(store.sqlite3, "connect", counting_connect)
    monkeypatch.setattr(store, "_last_quick_check", {})
    for _ in range(3):
        assert store.check(settings).ok
    assert sum("quick_check" in sql for sql in calls) == 1


@pytest.fixture
def engine_socket(settings: Settings) -> Iterator[str]:
    """Serve a control socket answering ping, as the engine does."""
    server = ControlServer(settings.engine.control_socket, lambda cmd, args: {"pong": True})
    server.start()
    yield settings.engine.control_socket
    server.stop()


def test_engine_answers_ping(settings: Settings, engine_socket: str) -> None:
    """Pass when the control socket answers ping."""
    assert check_all(settings, only=("engine",))["engine"] == {"ok": True, "detail": "answers ping"}


class _Healthz(http.server.BaseHTTPRequestHandler):
    """Answer /healthz with the status the test sets."""

    status = 200

    def do_GET(self) -> None:
        """Answer with the configured status."""
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.mark.parametrize(("status", "ok"), [(200, True), (503, True), (500, False)])
def test_web_check(tmp_path: Path, status: int, ok: bool) -> None:
    """Count 200 and 503 (another service down) as a serving web; not a 500."""
    handler = type("Handler", (_Healthz,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {"CALLBOX_PATHS__VAR": str(tmp_path), "CALLBOX_WEB__PORT": str(server.server_port)}
        env["CALLBOX_DEMO"] = "true"  # the stand-in speaks plain HTTP, as a demo box's web does
        result = check_all(load(tmp_path / "absent.yml", env=env), only=("web",))["web"]
    finally:
        server.shutdown()
        server.server_close()
    assert result["ok"] is ok
    assert f"answers {status}" in result["detail"]


def test_web_check_inside_gunicorn_answers_for_itself(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never request /healthz from inside the web (it would recurse)."""
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/27.0.1")
    assert check_all(settings, only=("web",))["web"]["ok"] is True


def test_a_raising_check_is_a_failed_check(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Report an exception inside a check as that service failing, in one line."""
    from appliance.health.checks import engine

    def broken(_: Settings) -> None:
        """Raise as a buggy check would."""
        raise RuntimeError("disk on fire")

    discover.cache_clear()
    monkeypatch.setattr(engine, "check", broken)
    try:
        result = check_all(settings, only=("engine",))["engine"]
    finally:
        discover.cache_clear()
    assert result == {"ok": False, "detail": "RuntimeError: disk on fire"}
