"""Security basics: login throttling across workers, headers, cookie flags, hashing, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import Type
from argon2.profiles import get_default_parameters
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, csrf_from, login

from appliance import config
from appliance.store.models import LoginAttempt, User, utcnow
from web import create_app
from web.auth import throttle
from web.auth.services import _hasher, hash_password

BROWSER = {"Accept": "text/html"}


def test_five_failures_lock_the_username_with_retry_after(client: FlaskClient, user: User) -> None:
    for _ in range(5):
        assert login(client, user.username, "wrong").status_code == 200
    response = login(client, user.username, PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed logins. Try again in 15 minutes." in response.get_data(as_text=True)
    assert f'value="{user.username}"' in response.get_data(as_text=True)


def test_failures_are_counted_in_the_store_not_per_worker(
    app: Flask, settings: config.Settings, user: User
) -> None:
    """Two apps on one store (two gunicorn workers) share one count."""
    other = create_app({"CALLBOX_SETTINGS": settings, "TESTING": True})
    first, second = app.test_client(), other.test_client()
    for client in (first, second, first, second, first):
        login(client, user.username, "wrong")
    assert LoginAttempt.select().count() == 5
    assert login(second, user.username, PASSWORD).status_code == 429


def test_an_address_is_locked_after_twenty_failures_whatever_the_username(
    client: FlaskClient, user: User
) -> None:
    for n in range(20):
        login(client, f"guess{n}", "wrong")
    assert login(client, user.username, PASSWORD).status_code == 429
    other = {"REMOTE_ADDR": "192.0.2.7"}  # another address: the username itself is not locked
    token = csrf_from(client.get("/login", environ_base=other).get_data(as_text=True))
    form = {"username": user.username, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form, environ_base=other).status_code == 302


def test_failures_age_out_of_the_window_and_a_login_clears_them(
    client: FlaskClient, user: User
) -> None:
    old = utcnow() - throttle.WINDOW - timedelta(seconds=1)
    for _ in range(5):
        LoginAttempt.create(username=user.username, address="127.0.0.1", at=old)
    assert throttle.retry_after(user.username, "127.0.0.1") == 0
    login(client, user.username, "wrong")
    assert login(client, user.username, PASSWORD).status_code == 302
    assert not LoginAttempt.select().where(LoginAttempt.username == user.username).exists()
    assert LoginAttempt.select().count() == 0  # the aged ones were pruned on the failure


def test_retry_after_ends_when_the_oldest_counted_failure_leaves_the_window(app: Flask) -> None:
    now = utcnow()
    for minutes in (14, 10, 5, 2, 1):
        LoginAttempt.create(username="u", address="a", at=now - timedelta(minutes=minutes))
    assert throttle.retry_after("u", "b", now=now) == 60
    assert throttle.retry_after(None, "b", now=now) == 0


@pytest.mark.parametrize("path", ["/login", "/nope", "/healthz", "/api/v1/calls"])
def test_every_response_carries_the_security_headers(
    client: FlaskClient, user: User, path: str
) -> None:
    headers = client.get(path, headers=BROWSER).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only over HTTPS


def test_https_requests_get_hsts(client: FlaskClient, user: User) -> None:
    headers = client.get("/login", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_session_cookie_is_secure_httponly_samesite(client: FlaskClient, user: User) -> None:
    response = login(client, user.username, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_demo_box_serves_http_so_its_cookie_is_not_secure(settings: config.Settings) -> None:
    settings.demo = True
    assert create_app({"CALLBOX_SETTINGS": settings}).config["SESSION_COOKIE_SECURE"] is False


def test_unexpected_errors_show_no_traceback_and_keep_the_headers(app: Flask, user: User) -> None:
    def boom() -> str:
        raise RuntimeError("secret internals at /srv/callbox/web/x.py line 3")

    app.add_url_rule("/boom-page", "boom_page", boom)
    app.testing = False
    response = app.test_client().get("/boom-page", headers=BROWSER)
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Traceback" not in body and "secret" not in body
    assert response.headers["X-Frame-Options"] == "DENY"


def test_password_hashing_meets_owasp() -> None:
    """OWASP: argon2id with at least 19 MiB, 2 iterations, 1 degree of parallelism."""
    params = _hasher._parameters
    assert params.type is Type.ID
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1
    assert params == get_default_parameters()  # the library's RFC 9106 profile, kept current
    assert hash_password("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("supervisor", 200), ("agent", 403)])
def test_the_live_page_is_for_admins_and_supervisors(
    client: FlaskClient, user: User, role: str, status: int
) -> None:
    User.create(username=f"{role}1", password_hash=hash_password(PASSWORD), role=role)
    login(client, f"{role}1", PASSWORD)
    assert client.get("/live").status_code == status
    assert client.get("/live/events").status_code == status
