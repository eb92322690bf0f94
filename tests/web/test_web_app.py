"""The app factory: secret key, errors without tracebacks, translations."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, login

from appliance import config
from appliance.store.models import User
from web import create_app
from web.auth.services import hash_password

WEB = Path(__file__).resolve().parents[2] / "web"
TRANSLATIONS = WEB / "translations"


def test_secret_key_is_generated_once_with_mode_0600(app: Flask, settings: config.Settings) -> None:
    """The key file is created private, and a second app reads the same key."""
    key_file = Path(settings.paths.var) / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app.secret_key == key_file.read_text().strip()
    assert len(str(app.secret_key)) == 64
    again = create_app({"CALLBOX_SETTINGS": settings})
    assert again.secret_key == app.secret_key


def test_secret_key_from_settings_wins(settings: config.Settings) -> None:
    """web.secret_key in the settings is used as is, and no file is written."""
    settings.web.secret_key = "from-settings"
    assert create_app({"CALLBOX_SETTINGS": settings}).secret_key == "from-settings"
    assert not (Path(settings.paths.var) / "secret_key").exists()


def test_flask_settings_come_from_prefixed_env(
    settings: config.Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CALLBOX_FLASK_* variables configure Flask."""
    monkeypatch.setenv("CALLBOX_FLASK_SESSION_COOKIE_SECURE", "true")
    assert create_app({"CALLBOX_SETTINGS": settings}).config["SESSION_COOKIE_SECURE"] is True


def _failing_app(app: Flask) -> Flask:
    """Add routes that raise an unexpected error."""

    def boom() -> str:
        """Fail like a bug would."""
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    app.testing = False  # answer like production instead of re-raising
    return app


def test_unexpected_errors_never_show_a_traceback(app: Flask, user: User) -> None:
    """A bug answers 500: JSON for the API, a page elsewhere, no internals either way."""
    client = _failing_app(app).test_client()
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.json == {"error": {"id": "internal-error", "message": api.json["error"]["message"]}}
    page = client.get("/boom")
    assert page.status_code == 500
    assert page.mimetype == "text/html"
    for body in (api.get_data(as_text=True), page.get_data(as_text=True)):
        assert "Traceback" not in body
        assert "secret internals" not in body


def test_unknown_pages_answer_in_the_clients_format(client: FlaskClient) -> None:
    """404 is JSON under /api and a page elsewhere."""
    assert client.get("/api/v1/nope").json["error"]["id"] == "not-found"
    page = client.get("/nope")
    assert page.status_code == 404
    assert page.mimetype == "text/html"


def test_language_follows_accept_language(client: FlaskClient, user: User) -> None:
    """A Chinese browser gets the Chinese login page."""
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录" in page.get_data(as_text=True)
    assert 'lang="zh-Hans-CN"' in page.get_data(as_text=True)
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_language_follows_the_users_setting(client: FlaskClient) -> None:
    """A user's language wins over the browser's."""
    User.create(username="li", password_hash=hash_password(PASSWORD), language="zh_CN")
    login(client, "li", PASSWORD)
    page = client.get("/live", headers={"Accept-Language": "en"})
    assert "通话" in page.get_data(as_text=True)


def _catalog(language: str) -> dict[str, str]:
    """Return the msgid → msgstr table of a language's .po file."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id}


def test_every_string_has_a_chinese_translation(tmp_path: Path) -> None:
    """Strings extracted from the code and templates are all translated in zh_CN."""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    command = [str(pybabel), "-q", "extract", "-F", str(WEB / "babel.cfg"), "-k", "_l"]
    subprocess.run([*command, "-o", str(pot), str(WEB)], check=True)
    with pot.open("rb") as stream:
        wanted = {m.id for m in read_po(stream) if m.id}
    assert "engine not running" in wanted  # the extraction found our strings
    zh = _catalog("zh_Hans_CN")
    assert sorted(m for m in wanted if not zh.get(m)) == []


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_compiled_catalogs_match_their_sources(language: str) -> None:
    """The .mo files were compiled from the current .po files."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as stream:
        compiled = {m.id: m.string for m in read_mo(stream) if m.id and m.string}
    assert compiled == {k: v for k, v in _catalog(language).items() if v}
