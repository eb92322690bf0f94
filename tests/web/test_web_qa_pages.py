"""The QA pages: who may open and post each one (admin, supervisor, agent, visitor)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_qa import CALL, CARD_FORM, log_in_with, post_qa, post_score, recorded_call, scorecard

from appliance.config import Settings
from appliance.store.models import AuditEntry, QaEvaluation, QaScorecard

SUPERVISOR_PAGES = ["/qa/", "/qa/scorecards/", "/qa/scorecards/new", "/qa/scorecards/1",
                    f"/qa/calls/{CALL}"]  # fmt: skip
POSTS = ["/qa/scorecards/new", "/qa/scorecards/1", "/qa/scorecards/1/delete", f"/qa/calls/{CALL}",
         "/qa/evaluations/1/delete"]  # fmt: skip
EVERYONE_PAGES = ["/qa/mine"]
SCORE_FORM = {"scorecard": "1", "points-0": "5", "points-1": "5", "comment": "Polite."}


@pytest.fixture
def call(settings: Settings) -> None:
    """Create a recorded call and the scorecard with id 1."""
    recorded_call(settings)
    scorecard()


@pytest.mark.usefixtures("admin_exists", "call")
def test_a_visitor_is_sent_to_log_in(client: FlaskClient) -> None:
    for path in [*SUPERVISOR_PAGES, *EVERYONE_PAGES, "/qa/evaluations/1", "/qa/score?call_id=x"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path in POSTS:
        response = client.post(path, data=SCORE_FORM)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.usefixtures("admin_exists", "call")
def test_an_agent_is_refused_the_supervisor_pages(client: FlaskClient) -> None:
    log_in_with(client, "agent", "1001")
    for path in [*SUPERVISOR_PAGES, "/qa/score?call_id=c-100"]:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert post_qa(client, path, {**CARD_FORM, **SCORE_FORM}).status_code == 403, path
    assert client.get("/qa/mine").status_code == 200
    assert QaScorecard.select().count() == 1 and not QaEvaluation.select().exists()
    assert not AuditEntry.select().exists()


@pytest.mark.usefixtures("admin_exists", "call")
@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_supervisors_and_admins_open_every_page_and_score(client: FlaskClient, role: str) -> None:
    log_in_with(client, role)
    for path in [*SUPERVISOR_PAGES, *EVERYONE_PAGES]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    assert client.get(f"/qa/score?call_id={CALL}").headers["Location"].endswith(f"/qa/calls/{CALL}")
    response = post_score(client, CALL, SCORE_FORM)
    assert response.status_code == 302
    (evaluation,) = QaEvaluation.select()
    assert evaluation.score == 62.5 and evaluation.evaluator == f"{role}-x"
    assert client.get(f"/qa/evaluations/{evaluation.id}").status_code == 200
    deleted = post_qa(client, f"/qa/evaluations/{evaluation.id}/delete", {})
    assert deleted.status_code == 302 and not QaEvaluation.select().exists()
    assert post_qa(client, "/qa/scorecards/1", CARD_FORM).status_code == 302
    assert post_qa(client, "/qa/scorecards/1/delete", {}).status_code == 302
    assert not QaScorecard.select().exists()


@pytest.mark.usefixtures("admin_exists")
def test_an_agent_reads_their_own_evaluations_only(client: FlaskClient, settings: Settings) -> None:
    recorded_call(settings, "mine", agent="1001")
    recorded_call(settings, "theirs", agent="1002")
    card = scorecard()
    common = {"scorecard": card, "scorecard_name": "Basic", "evaluator": "sup", "criteria": []}
    own = QaEvaluation.create(call_id="mine", agent="1001", score=80, comment="Nice tone", **common)
    other = QaEvaluation.create(call_id="theirs", agent="1002", score=20, comment="Rude", **common)
    log_in_with(client, "agent", "1001")
    page = client.get("/qa/mine").get_data(as_text=True)
    assert "Nice tone" in page and "80.0%" in page and "Rude" not in page
    assert client.get(f"/qa/evaluations/{own.id}").status_code == 200
    assert client.get(f"/qa/evaluations/{other.id}").status_code == 404
    assert client.get("/recordings/theirs").status_code == 404  # the recordings area's own rule


@pytest.mark.usefixtures("admin_exists")
def test_an_agent_without_a_phone_is_told_why_nothing_shows(client: FlaskClient) -> None:
    log_in_with(client, "agent")
    assert "not linked to an agent" in client.get("/qa/mine").get_data(as_text=True)


@pytest.mark.usefixtures("admin_exists", "call")
def test_the_quality_link_is_for_supervisors_and_admins(client: FlaskClient) -> None:
    log_in_with(client, "agent", "1001")
    page = client.get("/agent/history").get_data(as_text=True)
    assert 'href="/qa/"' not in page and 'href="/qa/mine"' in page
    client.post("/logout", data={"csrf_token": ""})
    client.delete_cookie("callbox_session")
    log_in_with(client, "supervisor")
    assert 'href="/qa/"' in client.get("/live").get_data(as_text=True)
