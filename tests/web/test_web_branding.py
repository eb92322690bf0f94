"""The reseller's branding from an applied profile shows in the web UI; zero-touch's outcome
shows on the admin pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_admin import accept_reloads, log_in_as
from helpers_i18n import assert_translated
from helpers_web import PASSWORD, StandInEngine, login
from profile_support import EXAMPLE

from appliance import config
from appliance.health import alerts
from appliance.store.models import User
from provisioning.profiles import manager, zero_touch
from web.auth.services import hash_password
from web.context import STORE_KEY


def apply_example(settings: config.Settings) -> None:
    """Apply the example profile (ACME Telecom's) to the app's store and unit record."""
    manager.apply(manager.plan(manager.read_profile(EXAMPLE), settings), settings)


@pytest.mark.usefixtures("admin_exists")  # else /login leads to the setup
def test_without_a_profile_the_box_looks_like_callbox(client: FlaskClient) -> None:
    """No branding: callbox's name, no theme or logo."""
    page = client.get("/login").get_data(as_text=True)
    assert '<a class="brand" href="/">callbox</a>' in page
    assert "/branding/theme.css" not in page
    assert client.get("/branding/theme.css").status_code == 404
    assert client.get("/branding/logo").status_code == 404


def test_the_resellers_name_logo_and_colours_are_shown(
    app: Flask, client: FlaskClient, settings: config.Settings
) -> None:
    """After the profile: its name in the bar and title, its logo, its colours' stylesheet."""
    apply_example(settings)
    page = client.get("/login").get_data(as_text=True)
    assert "· ACME Telecom</title>" in page
    assert 'class="brand-logo" src="/branding/logo?v=' in page and "ACME Telecom</a>" in page
    theme_url = page.split('href="/branding/theme.css', 1)[1].split('"', 1)[0]
    theme = client.get("/branding/theme.css" + theme_url.replace("&amp;", "&"))
    assert theme.status_code == 200 and theme.mimetype == "text/css"
    css = theme.get_data(as_text=True)
    assert ".topbar { background: #0a5fb4; }" in css and "#f39c12" in css
    logo = client.get("/branding/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"
    assert logo.get_data().startswith(b"<svg") and "sandbox" in logo.headers[
        "Content-Security-Policy"]  # fmt: skip


def test_the_status_page_shows_the_unit_and_zero_touch_errors(
    app: Flask, client: FlaskClient, settings: config.Settings
) -> None:
    """The admin sees the serial and profile applied, and a failed zero-touch's exact error."""
    apply_example(settings)
    log_in_as(client, "admin")
    page = client.get("/admin/status").get_data(as_text=True)
    assert "CB-2026-000123" in page and "acme-callbox-01" in page and str(EXAMPLE) in page
    error = "http://127.0.0.1:1/p.yml: the server answered 404 Not Found"
    alerts.raise_alert(app.extensions[STORE_KEY], zero_touch.ALERT_KEY, zero_touch.ALERT_KIND,
                       {"error": error}, error, alerts.CRITICAL)  # fmt: skip
    page = client.get("/admin/").get_data(as_text=True)
    assert f"Zero-touch provisioning failed: {error}" in page


def test_the_unit_section_is_in_chinese(
    app: Flask, client: FlaskClient, settings: config.Settings, engine: StandInEngine
) -> None:
    """The status page's unit section has no English left but the unit's own data."""
    accept_reloads(engine)
    apply_example(settings)
    User.update(language="zh_CN").where(User.username == "admin").execute()
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin",
                language="zh_CN")  # fmt: skip
    assert login(client, "owner", PASSWORD).status_code == 302
    page = client.get("/admin/status").get_data(as_text=True)
    assert "序列号" in page and "经销商" in page
    unit = page.split('class="card unit-status"', 1)[1].split("</section>", 1)[0]
    assert_translated(unit, allowed=["CB-2026-000123", "acme-callbox-01", "ACME Telecom",
                                     str(EXAMPLE), "UTC"])  # fmt: skip
