"""Fixtures for the web tests: a fresh store and app per test, and a stand-in engine.

The stand-in engine is the real `ControlServer` on a temporary socket answering
ping/calls/agents: the web talks the real control protocol to it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, StandInEngine, login

from appliance import config
from appliance.store.manager import open_store
from appliance.store.models import User
from web import create_app
from web.auth.services import create_api_token, hash_password


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """Return a short folder for the control socket (AF_UNIX paths are short)."""
    path = Path(tempfile.mkdtemp(prefix="cbx", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def settings(tmp_path: Path, socket_dir: Path) -> config.Settings:
    """Return settings with every path under tmp_path."""
    overrides = {
        "paths": {"var": str(tmp_path)},
        "engine": {"control_socket": str(socket_dir / "engine.sock")},
    }
    return config.load(config_file="/nonexistent", env={}, overrides=overrides)


@pytest.fixture
def app(settings: config.Settings) -> Flask:
    """Return an app on a freshly migrated store."""
    open_store(settings)  # migrates, as the supervisor would before starting web
    return create_app({"CALLBOX_SETTINGS": settings, "TESTING": True, "SSE_KEEPALIVE_SECONDS": 0.3})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of the app."""
    return app.test_client()


@pytest.fixture
def user(app: Flask) -> User:
    """Return a user whose password is PASSWORD."""
    return User.create(username="alice", password_hash=hash_password(PASSWORD))


@pytest.fixture
def api_token(user: User) -> str:
    """Return a valid API token of user."""
    return create_api_token(user, "tests")


@pytest.fixture
def logged_in(client: FlaskClient, user: User) -> FlaskClient:
    """Return the client with user logged in."""
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    return client


@pytest.fixture
def engine(settings: config.Settings) -> Iterator[StandInEngine]:
    """Run a stand-in engine on the configured control socket."""
    stand_in = StandInEngine(settings.engine.control_socket)
    stand_in.server.start()
    yield stand_in
    stand_in.server.stop()


@pytest.fixture
def admin_exists(app: Flask) -> User:
    """Return an admin of the box, so pages are not sent to the first-run wizard.

    Modules whose users are supervisors or agents only use it
    (``pytestmark = pytest.mark.usefixtures("admin_exists")``).
    """
    return User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin")
