"""The main pages rendered in Chinese show no English left (what the issue asks of zh_CN)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_i18n import assert_translated
from helpers_web import PASSWORD, StandInEngine, login

from appliance.store.models import User
from web.auth.services import hash_password

DATA = ["owner", "wang", "1001"]  # the test's own names
# Terms Chinese users read as they are, and what a field's example or a script's template shows.
TERMS = ["IVR", "Web", "SIP", "callbox setup-token", "queue:sales", "ABCDE-FGHJK-LMNPQ-RSTUV",
         "CSV", "XLSX", "Erlang C", "HH:MM"]  # fmt: skip


@pytest.fixture
def chinese_admin(app: Flask, client: FlaskClient) -> FlaskClient:
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin",
                language="zh_CN", extension="1001")  # fmt: skip
    assert login(client, "owner", PASSWORD).status_code == 302
    return client


PAGES = ["/agent", "/admin/", "/admin/agents/", "/admin/queues/", "/admin/routes/",
         "/admin/recording", "/admin/flows", "/wallboard",
         "/reports", "/reports/calls", "/reports/forecast", "/reports/schedules",
         "/reports/schedules/new"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_a_main_page_in_chinese_has_no_english_left(
    chinese_admin: FlaskClient, engine: StandInEngine, path: str
) -> None:
    response = chinese_admin.get(path)
    assert response.status_code == 200, path
    assert_translated(response.get_data(as_text=True), allowed=DATA + TERMS)


def test_the_wizard_asks_for_the_token_in_chinese(client: FlaskClient) -> None:
    page = client.get("/setup/token", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert_translated(page.get_data(as_text=True), allowed=TERMS)
