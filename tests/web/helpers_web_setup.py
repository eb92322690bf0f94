"""Helpers of the setup wizard tests: walking the wizard as a browser would."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from helpers_web import csrf_from

from web.setup.token import issue_token

ADMIN_PASSWORD = "a long admin passphrase"


def post_form(client: FlaskClient, path: str, form: dict[str, Any]) -> Any:
    """Post form to path with the CSRF token of the page at path."""
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={**form, "csrf_token": token})


def enter_token(client: FlaskClient) -> Any:
    """Issue a setup token and enter it on the token page."""
    token = issue_token()
    assert token is not None
    return post_form(client, "/setup/token", {"token": token})


def create_admin(client: FlaskClient, username: str = "boss") -> Any:
    """Enter a setup token and create the admin; the client is then logged in."""
    enter_token(client)
    form = {"username": username, "password": ADMIN_PASSWORD, "confirm": ADMIN_PASSWORD}
    response = post_form(client, "/setup/admin", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


TRUNK = {"kind": "register", "name": "carrier", "host": "sip.carrier.example", "port": "5060",
         "username": "acct1", "password": "trunk-secret"}  # fmt: skip
AGENTS = {"first": "1001", "last": "1003", "names": "Alice Chen\nBob Li\n"}
QUEUE = {"name": "support", "title": "Support", "strategy": "longest_idle",
         "members": ["1001", "1002", "1003"]}  # fmt: skip
IVR = {"number": "4008001234", "sales": "support", "support": "support", "language": "en"}


def walk_to(client: FlaskClient, step: str) -> None:
    """Create the admin and complete every step before step, with valid input."""
    forms = [("locale", {"language": "en", "timezone": "Asia/Shanghai"}), ("trunk", TRUNK),
             ("agents", AGENTS), ("queue", QUEUE), ("ivr", IVR)]  # fmt: skip
    create_admin(client)
    for name, form in forms:
        if name == step:
            return
        response = post_form(client, f"/setup/{name}", form)
        assert response.status_code == 302, response.get_data(as_text=True)
