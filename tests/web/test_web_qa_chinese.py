"""The QA pages rendered in Chinese show no English left, error messages included."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_i18n import assert_translated
from helpers_qa import CALL, CARD_FORM, post_qa, post_score, recorded_call, scorecard
from helpers_web import PASSWORD, login

from appliance.config import Settings
from appliance.store.models import QaEvaluation, User
from web.auth.services import hash_password

DATA = ["owner", "1001", "Li Lei", "sales", CALL, "Basic", "Greeting", "Problem solved",
        "Polite", "13800138000"]  # fmt: skip


@pytest.fixture
def chinese_supervisor(client: FlaskClient, settings: Settings) -> FlaskClient:
    """Return a client logged in as a Chinese-speaking admin at phone 1001, with a scored call."""
    recorded_call(settings)
    card = scorecard()
    QaEvaluation.create(call_id=CALL, scorecard=card, scorecard_name="Basic", agent="1001",
                        queue="sales", criteria=card.criteria, points=[5, 5], score=62.5,
                        comment="Polite", evaluator="owner")  # fmt: skip
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin",
                language="zh_CN", extension="1001")  # fmt: skip
    assert login(client, "owner", PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize(
    "path",
    ["/qa/", "/qa/?agent=1001", "/qa/scorecards/", "/qa/scorecards/new", "/qa/scorecards/1",
     f"/qa/calls/{CALL}", "/qa/evaluations/1", "/qa/mine"],
)  # fmt: skip
def test_a_qa_page_in_chinese_has_no_english_left(
    chinese_supervisor: FlaskClient, path: str
) -> None:
    response = chinese_supervisor.get(path)
    assert response.status_code == 200, path
    assert_translated(response.get_data(as_text=True), allowed=DATA)


def test_qa_errors_in_chinese_have_no_english_left(chinese_supervisor: FlaskClient) -> None:
    bad_card = {**CARD_FORM, "name": "", "weight-0": "x", "label-1": "", "max-1": "0"}
    page = post_qa(chinese_supervisor, "/qa/scorecards/new", bad_card)
    assert page.status_code == 400
    assert_translated(page.get_data(as_text=True), allowed=DATA)
    bad_points = {"scorecard": "1", "points-0": "9", "points-1": "abc"}
    page = post_score(chinese_supervisor, CALL, bad_points)
    assert page.status_code == 400
    assert_translated(page.get_data(as_text=True), allowed=DATA)
    missing = chinese_supervisor.get("/qa/score?call_id=nothing")
    assert_translated(missing.get_data(as_text=True), allowed=[*DATA, "nothing"])
