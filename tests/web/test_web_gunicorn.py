"""The real web process: gunicorn with web.gunicorn_conf, settings from CALLBOX_* env."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from helpers_web import PASSWORD, SseReader, StandInEngine, csrf_from

from appliance import config
from appliance.store.manager import open_store
from appliance.store.models import User
from web.auth.services import hash_password
from web.tls import certificate_paths

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    """Return a TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Wait until url answers, failing early if gunicorn exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            requests.get(url, timeout=1, verify=False)
            return
        except (requests.ConnectionError, requests.Timeout):  # busy machine: slow TLS handshake
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer in time")


@pytest.fixture
def gunicorn(settings: config.Settings) -> Iterator[str]:
    """Run gunicorn on a free port and return its base URL; stop it afterwards."""
    open_store(settings)  # the supervisor migrates before starting web
    User.create(username="alice", password_hash=hash_password(PASSWORD))
    port = _free_port()
    env = {
        **os.environ,
        "CALLBOX_CONFIG": "/nonexistent/callbox.yml",
        "CALLBOX_PATHS__VAR": settings.paths.var,
        "CALLBOX_ENGINE__CONTROL_SOCKET": settings.engine.control_socket,
        "CALLBOX_WEB__PORT": str(port),
        "CALLBOX_WEB__WORKERS": "1",
        "CALLBOX_WEB__THREADS": "4",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        "python:web.gunicorn_conf",
    ]
    process = subprocess.Popen([*command, "web:create_app()"], cwd=ROOT, env=env)
    base = f"https://127.0.0.1:{port}"  # not a demo box: HTTPS, self-signed (web/tls.py)
    try:
        _wait_healthy(f"{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _login(base: str, settings: config.Settings) -> requests.Session:
    """Return a session logged in through the form, trusting the box's own certificate."""
    browser = requests.Session()
    cert = str(certificate_paths(settings)[0])
    token = csrf_from(browser.get(f"{base}/login", timeout=5, verify=cert).text)
    form = {"username": "alice", "password": PASSWORD, "csrf_token": token}
    response = browser.post(
        f"{base}/login", data=form, allow_redirects=False, timeout=5, verify=cert
    )
    assert response.status_code == 302
    return browser


def test_gunicorn_serves_healthz_and_streams_events(
    gunicorn: str, settings: config.Settings
) -> None:
    """gunicorn answers /healthz, then relays engine events to a browser as they happen."""
    cert = str(certificate_paths(settings)[0])  # valid for 127.0.0.1: verified for real
    health = requests.get(f"{gunicorn}/healthz", timeout=5, verify=cert)
    assert health.status_code == 200
    assert set(health.json()["services"]) >= {"web", "engine", "store"}
    assert health.json()["services"]["engine"]["ok"] is False

    engine = StandInEngine(settings.engine.control_socket)
    engine.server.start()
    try:
        browser = _login(gunicorn, settings)
        events = f"{gunicorn}/live/events"
        with browser.get(events, stream=True, timeout=10, verify=cert) as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            reader = SseReader(stream.iter_content(chunk_size=None))
            reader.until(lambda e: e["event"] == "snapshot")
            engine.wait_for_subscribers()
            event = {"event": "agent.state", "call_id": "", "at": 2.0, "data": {"state": "ready"}}
            engine.publish(event)
            assert reader.until(lambda e: e["data"] == event)["data"] == event
    finally:
        engine.server.stop()
