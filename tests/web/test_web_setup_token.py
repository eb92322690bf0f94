"""The setup token for real: printed by gunicorn on start and by `callbox setup-token`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests
from click.testing import CliRunner
from flask import Flask
from helpers_web import csrf_from
from test_web_gunicorn import ROOT, _free_port, _wait_healthy

from appliance import config
from appliance.cli import cli
from appliance.store.manager import open_store
from appliance.store.models import SetupState, User
from web.setup.token import token_hash
from web.tls import certificate_paths

TOKEN_LINE = re.compile(r"setup token: ([A-Z0-9-]{23})")


def _env(settings: config.Settings) -> dict[str, str]:
    """Return the environment pointing the box at the test's folders."""
    return {
        "CALLBOX_CONFIG": "/nonexistent/callbox.yml",
        "CALLBOX_PATHS__VAR": settings.paths.var,
        "CALLBOX_ENGINE__CONTROL_SOCKET": settings.engine.control_socket,
    }


def test_the_cli_prints_a_new_token_each_time_until_an_admin_exists(
    app: Flask, settings: config.Settings
) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["setup-token"], env=_env(settings))
    assert first.exit_code == 0, first.output
    token = TOKEN_LINE.search(first.output)
    assert token and "/setup" in first.output
    second = TOKEN_LINE.search(runner.invoke(cli, ["setup-token"], env=_env(settings)).output)
    assert second and second.group(1) != token.group(1)
    open_store(settings, migrate=False)
    assert SetupState.get().token_hash == token_hash(second.group(1))  # only the newest works
    User.create(username="boss", password_hash="x", role="admin")
    done = runner.invoke(cli, ["setup-token"], env=_env(settings))
    assert done.exit_code == 2 and "has an admin already" in done.output
    assert not TOKEN_LINE.search(done.output)


def test_gunicorn_prints_the_token_and_it_opens_the_wizard(
    settings: config.Settings, tmp_path: Path
) -> None:
    open_store(settings)  # the supervisor migrates before starting web
    port = _free_port()
    env = {**os.environ, **_env(settings), "CALLBOX_WEB__PORT": str(port)}
    env |= {"CALLBOX_WEB__WORKERS": "2", "CALLBOX_WEB__THREADS": "2"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "--config", "python:web.gunicorn_conf"]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "web:create_app()"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    base = f"https://127.0.0.1:{port}"
    try:
        _wait_healthy(f"{base}/healthz", process)
        deadline = time.monotonic() + 10
        while not (found := TOKEN_LINE.search(log.read_text())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert found, log.read_text()
        assert log.read_text().count("setup token:") == 1  # once, not per worker
        browser = requests.Session()
        cert = str(certificate_paths(settings)[0])
        page = browser.get(f"{base}/", timeout=5, verify=cert)
        assert page.url == f"{base}/setup/token"
        form = {"token": found.group(1), "csrf_token": csrf_from(page.text)}
        answer = browser.post(f"{base}/setup/token", data=form, timeout=5, verify=cert)
        assert answer.url == f"{base}/setup/admin" and 'name="confirm"' in answer.text
    finally:
        process.terminate()
        process.wait(timeout=15)
