"""Logging in and out, password storage, and who may see what."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, csrf_from, login

from appliance.store.models import User
from web.auth.services import hash_password, verify_password


def test_password_is_stored_as_argon2id(user: User) -> None:
    """The store keeps an argon2id hash, never the password."""
    stored = User.get_by_id(user.get_id()).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, "wrong")
    assert not verify_password("not a hash", PASSWORD)


def test_hash_password_salts_each_hash() -> None:
    """Two hashes of one password differ (random salt)."""
    assert hash_password("same") != hash_password("same")


def test_login_success_starts_a_session(client: FlaskClient, user: User) -> None:
    """Good credentials redirect to the live page with a session cookie."""
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/live"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert client.get("/live").status_code == 200


def test_wrong_password_shows_an_error_and_no_session(client: FlaskClient, user: User) -> None:
    """A wrong password answers 200 with a message; the live page stays closed."""
    response = login(client, "alice", "not the password")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    live = client.get("/live")
    assert live.status_code == 302
    assert live.headers["Location"].startswith("/login")


def test_unknown_user_gets_the_same_answer(client: FlaskClient, user: User) -> None:
    """An unknown username is not told apart from a wrong password."""
    response = login(client, "mallory", PASSWORD)
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client: FlaskClient, user: User) -> None:
    """A form posted without the page's CSRF token does not log in."""
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/live").status_code == 302


def test_live_requires_login(client: FlaskClient, user: User) -> None:
    """Visitors are sent to the login page, which brings them back afterwards."""
    response = client.get("/live")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/live"
    assert client.get("/live/events").status_code == 302


def test_login_returns_to_next_but_only_on_this_site(app: Flask, user: User) -> None:
    """`next` is followed for local paths, ignored for other sites."""
    for target, expected in [
        ("/live?x=1", "/live?x=1"),
        ("//evil.example/", "/live"),
        ("https://evil.example/", "/live"),
        ("/\\evil.example", "/live"),
    ]:
        response = login(app.test_client(), "alice", PASSWORD, next=target)
        assert response.headers["Location"] == expected


def test_logout_ends_the_session(logged_in: FlaskClient) -> None:
    """After logging out the live page is closed again."""
    token = csrf_from(logged_in.get("/live").get_data(as_text=True))
    response = logged_in.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert logged_in.get("/live").status_code == 302


def test_password_change_ends_existing_sessions(logged_in: FlaskClient, user: User) -> None:
    """A session opened with the old password stops working after a change."""
    user.password_hash = hash_password("a new password")
    user.save()
    assert logged_in.get("/live").status_code == 302
