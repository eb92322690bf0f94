"""Pages say which roles may see them: others get 403, visitors the login page."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, login

from appliance.store.models import User
from web.auth.guards import role_required
from web.auth.services import hash_password


@pytest.fixture
def guarded(app: Flask, user: User) -> Flask:
    """Return the app with a page for admins and supervisors (user: the box has an admin)."""

    @role_required("admin", "supervisor")
    def board() -> str:
        return "board"

    app.add_url_rule("/test-board", "test_board", board)
    return app


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("supervisor", 200), ("agent", 403)])
def test_only_the_named_roles_see_the_page(
    guarded: Flask, client: FlaskClient, role: str, status: int
) -> None:
    User.create(username=role, password_hash=hash_password(PASSWORD), role=role)
    assert login(client, role, PASSWORD).status_code == 302
    assert client.get("/test-board").status_code == status


def test_a_visitor_is_sent_to_log_in_and_unknown_roles_are_a_programming_error(
    guarded: Flask, client: FlaskClient
) -> None:
    response = client.get("/test-board")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with pytest.raises(ValueError, match="roles must be some of"):
        role_required("owner")
