"""The QA forms: bad input explained by its field, input kept; audit; past scores kept."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_admin import QUEUE_FORM, accept_reloads, post_form
from helpers_qa import CALL, CARD_FORM, log_in_with, post_qa, post_score, recorded_call, scorecard
from helpers_web import StandInEngine

from appliance.config import Settings
from appliance.store.models import AuditEntry, QaEvaluation, QaScorecard, Queue

pytestmark = pytest.mark.usefixtures("admin_exists")


@pytest.fixture
def supervisor(client: FlaskClient, settings: Settings) -> FlaskClient:
    """Return a client logged in as a supervisor, with a recorded call and a scorecard."""
    recorded_call(settings)
    scorecard()
    return log_in_with(client, "supervisor")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "n" * 101}, "name", "At most 100 characters."),
        ({"weight-1": "heavy"}, "weight-1", "Enter a number"),
        ({"weight-1": "0"}, "weight-1", "The weight must be above 0."),
        ({"weight-1": ""}, "weight-1", "This field is required."),
        ({"max-1": "5.5"}, "max-1", "Enter a whole number."),
        ({"max-1": "0"}, "max-1", "At least 1."),
        ({"label-1": "greeting"}, "label-1", "already used by another criterion"),
        ({"label-1": "x" * 101}, "label-1", "At most 100 characters."),
        ({"label-1": ""}, "label-1", "A criterion needs a label."),
    ],
)
def test_bad_scorecard_input_is_explained_and_kept(
    supervisor: FlaskClient, change: dict[str, str], field: str, message: str
) -> None:
    form = {**CARD_FORM, "name": "Keep Me", **change}
    response = post_qa(supervisor, "/qa/scorecards/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and f'id="e-{field}"' in page
    if change[field]:
        assert f'value="{change[field]}"' in page
    assert 'value="Keep Me"' in page or field == "name"
    assert 'value="Problem solved"' in page or field == "label-1"
    assert QaScorecard.select().count() == 1 and not AuditEntry.select().exists()


def test_a_scorecard_needs_a_criterion(supervisor: FlaskClient) -> None:
    response = post_qa(supervisor, "/qa/scorecards/new", {"name": "Empty"})
    assert response.status_code == 400
    assert "Add at least one criterion." in response.get_data(as_text=True)


def test_a_duplicate_name_is_refused_on_its_field(supervisor: FlaskClient) -> None:
    response = post_qa(supervisor, "/qa/scorecards/new", CARD_FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "A scorecard named Basic exists." in page
    assert 'id="e-name"' in page and QaScorecard.select().count() == 1


def test_an_expired_form_is_refused_and_kept(supervisor: FlaskClient) -> None:
    response = supervisor.post("/qa/scorecards/new", data={**CARD_FORM, "name": "Late"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The form expired" in page and 'value="Late"' in page


def test_a_scorecard_is_created_and_audited(supervisor: FlaskClient) -> None:
    form = {
        **CARD_FORM,
        "name": "Sales calls",
        "label-3": "Upsell",
        "weight-3": "0.5",
        "max-3": "2",
    }  # fmt: skip  (row 2 left empty: skipped)
    response = post_qa(supervisor, "/qa/scorecards/new", form)
    card = QaScorecard.get(QaScorecard.name == "Sales calls")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{card.id}")
    assert [c["label"] for c in card.criteria] == ["Greeting", "Problem solved", "Upsell"]
    assert card.criteria[2] == {"label": "Upsell", "weight": 0.5, "max_points": 2}
    entry = AuditEntry.get(AuditEntry.area == "qa-scorecards")
    assert (entry.username, entry.object_key, entry.action) == ("supervisor-x", "Sales calls",
                                                                "create")  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"points-0": "6"}, "points-0", "At most 5 points."),
        ({"points-1": "-1"}, "points-1", "At least 0."),
        ({"points-1": "lots"}, "points-1", "Enter a whole number."),
        ({"points-0": ""}, "points-0", "This field is required."),
        ({"comment": "x" * 2001}, "comment", "At most 2000 characters."),
    ],
)
def test_bad_points_are_explained_and_kept(
    supervisor: FlaskClient, change: dict[str, str], field: str, message: str
) -> None:
    form = {"scorecard": "1", "points-0": "4", "points-1": "7", "comment": "Keep me", **change}
    response = post_score(supervisor, CALL, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and f'id="e-{field}"' in page and "<audio" in page
    if field != "comment":
        assert f'value="{change[field]}"' in page and "Keep me</textarea>" in page
    assert not QaEvaluation.select().exists() and not AuditEntry.select().exists()


def test_an_unknown_recording_is_explained(supervisor: FlaskClient, settings: Settings) -> None:
    form = {"scorecard": "1", "points-0": "4", "points-1": "7"}
    assert post_qa(supervisor, "/qa/calls/nope", form).status_code == 404
    page = supervisor.get("/qa/calls/nope")
    assert page.status_code == 404 and "This call has no recording." in page.get_data(as_text=True)
    empty = supervisor.get("/qa/score?call_id=+")
    assert empty.status_code == 400 and "This field is required." in empty.get_data(True)
    found = supervisor.get("/qa/score?call_id=no-such-call")
    text = found.get_data(as_text=True)
    assert found.status_code == 404 and "No recorded call has this id." in text
    assert 'value="no-such-call"' in text and not QaEvaluation.select().exists()


def test_a_score_is_saved_audited_and_survives_editing_the_scorecard(
    supervisor: FlaskClient,
) -> None:
    form = {"scorecard": "1", "points-0": "5", "points-1": "5", "comment": "Polite, slow."}
    response = post_score(supervisor, CALL, form)
    assert response.status_code == 302
    assert "Saved: 62.5%." in supervisor.get(response.headers["Location"]).get_data(as_text=True)
    evaluation = QaEvaluation.get()
    assert (evaluation.agent, evaluation.queue, evaluation.points) == ("1001", "sales", [5, 5])
    assert AuditEntry.get(AuditEntry.area == "qa-evaluations").object_key == CALL
    changed = {**CARD_FORM, "weight-0": "9", "label-1": "Solved"}
    assert post_qa(supervisor, "/qa/scorecards/1", changed).status_code == 302
    post_qa(supervisor, "/qa/scorecards/1/delete", {})
    kept = QaEvaluation.get()
    assert kept.score == 62.5 and kept.criteria[1]["label"] == "Problem solved"
    assert kept.scorecard is None and kept.scorecard_name == "Basic"
    page = supervisor.get(f"/qa/evaluations/{kept.id}").get_data(as_text=True)
    assert "Problem solved" in page and "5 / 10" in page


def test_averages_per_agent_and_queue(supervisor: FlaskClient, settings: Settings) -> None:
    recorded_call(settings, "c-200", agent="1002")
    for call_id, points in ((CALL, ("5", "10")), (CALL, ("0", "0")), ("c-200", ("5", "5"))):
        form = {"scorecard": "1", "points-0": points[0], "points-1": points[1]}
        assert post_score(supervisor, call_id, form).status_code == 302
    page = supervisor.get("/qa/").get_data(as_text=True)
    by_agent = page.split('id="qa-by-agent"')[1].split("</table>")[0]
    assert "1001</a></td><td>Li Lei</td><td>2</td>" in by_agent
    assert "50.0%" in by_agent and "62.5%" in by_agent
    by_queue = page.split('id="qa-by-queue"')[1].split("</table>")[0]
    assert "sales</a></td><td>3</td>" in by_queue and "54.2%" in by_queue
    latest = supervisor.get("/qa/?agent=1002").get_data(as_text=True).split('id="latest"')[1]
    assert latest.count("<tr data-evaluation=") == 1 and "c-200" in latest


def test_the_queue_form_sets_the_recording_retention(
    client: FlaskClient, engine: StandInEngine
) -> None:
    accept_reloads(engine)
    log_in_with(client, "admin")
    bad = post_form(client, "/admin/queues/new", {**QUEUE_FORM, "recording_retention_days": "-3"})
    assert bad.status_code == 400 and 'id="e-recording_retention_days"' in bad.get_data(True)
    ok = post_form(client, "/admin/queues/new", {**QUEUE_FORM, "recording_retention_days": "90"})
    assert ok.status_code == 302
    assert Queue.get(Queue.name == "sales").recording_retention_days == 90
    assert AuditEntry.get(AuditEntry.area == "queues").after["recording_retention_days"] == 90


def test_a_scorecard_changed_while_scoring_is_refused_and_kept(supervisor: FlaskClient) -> None:
    page = supervisor.get(f"/qa/calls/{CALL}").get_data(as_text=True)
    assert 'name="version"' in page
    assert post_qa(supervisor, "/qa/scorecards/1", {**CARD_FORM, "max-0": "3"}).status_code == 302
    form = {"scorecard": "1", "version": "stale", "points-0": "3", "points-1": "9",
            "comment": "Keep me"}  # fmt: skip
    response = post_qa(supervisor, f"/qa/calls/{CALL}", form)
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "was changed while you were scoring" in text
    assert 'value="9"' in text and "Keep me</textarea>" in text
    assert not QaEvaluation.select().exists()


def test_an_unknown_scorecard_is_refused(supervisor: FlaskClient) -> None:
    form = {"scorecard": "77", "points-0": "3", "points-1": "9"}
    response = post_score(supervisor, CALL, form)
    assert response.status_code == 400 and "Choose a scorecard." in response.get_data(True)
    assert not QaEvaluation.select().exists()


def test_deleting_an_evaluation_is_audited_and_needs_the_form_token(
    supervisor: FlaskClient,
) -> None:
    assert post_score(supervisor, CALL, {"scorecard": "1", "points-0": "1", "points-1": "2"})
    evaluation = QaEvaluation.get()
    stale = supervisor.post(f"/qa/evaluations/{evaluation.id}/delete", data={})
    assert stale.status_code == 400 and "The form expired" in stale.get_data(True)
    assert QaEvaluation.select().exists()
    response = post_qa(supervisor, f"/qa/evaluations/{evaluation.id}/delete", {})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/qa/calls/{CALL}"
    )
    assert not QaEvaluation.select().exists()
    entry = AuditEntry.select().where(AuditEntry.action == "delete").get()
    assert (entry.area, entry.object_key, entry.before["score"]) == ("qa-evaluations", CALL, 20.0)
