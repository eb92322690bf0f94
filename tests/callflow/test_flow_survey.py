"""The survey node: every key, wrong keys, silence, retries, the comment; validation; simulation."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.callflow.flow import FlowRun, Hangup, Play, Record, SurveyAnswer
from appliance.callflow.flow.simulate import simulate
from appliance.callflow.flow.validate import validate
from appliance.prompts.catalog import PROMPTS

RATE = Play("survey-rate", "en", interruptible=True, wait=4.0)
THANKS = Play("survey-thanks", "en")
SURVEY = {
    "type": "survey", "prompt": "survey-rate", "invalid_prompt": "survey-invalid",
    "timeout": 4, "retries": 2, "thanks": "survey-thanks",
}  # fmt: skip


def flow(**survey: Any) -> dict[str, Any]:
    """Return a flow: queue support (survey s after the agent), the survey, a hangup."""
    nodes = {"q": {"type": "queue", "queue": "support", "survey": "s"}, "s": {**SURVEY, **survey}}
    if survey.get("next"):
        nodes[str(survey["next"])] = {"type": "hangup"}
    return {"start": "q", "nodes": nodes}


def at_survey(**survey: Any) -> tuple[FlowRun, Any]:
    """Return a run taken to the survey as the engine does when the agent hangs up."""
    run = FlowRun(flow(**survey))
    run.start()
    assert run.survey == "s"
    return run, run.goto(run.survey)


@pytest.mark.parametrize("key", list("12345"))
def test_every_score_key_is_kept_and_the_caller_thanked(key: str) -> None:
    run, first = at_survey()
    assert first == RATE
    assert run.on_digit(key) == THANKS
    assert run.answers == [SurveyAnswer("s", int(key))]
    assert run.on_played() == Hangup("survey done")


@pytest.mark.parametrize("key", list("06789*#"))
def test_a_key_that_is_no_score_plays_the_invalid_prompt_and_counts_a_try(key: str) -> None:
    run, _ = at_survey()
    assert run.on_digit(key) == Play("survey-invalid", "en", interruptible=True)
    assert run.on_played() == RATE
    assert run.on_digit("3") == THANKS  # the second of two tries
    assert run.answers == [SurveyAnswer("s", 3)]


def test_a_silent_caller_is_asked_again_then_thanked_with_no_score() -> None:
    run, _ = at_survey()
    assert run.on_played() == RATE  # timeout: one try of two
    assert run.on_played() == THANKS
    assert run.answers == [SurveyAnswer("s", None)]
    assert run.on_played() == Hangup("survey done")


def test_wrong_keys_until_the_tries_run_out_end_with_no_score() -> None:
    run, _ = at_survey(retries=1)
    assert run.on_digit("9") == THANKS
    assert run.answers == [SurveyAnswer("s", None)]


def test_custom_keys_and_next_and_no_thanks() -> None:
    run, _ = at_survey(keys="123", thanks=None, next="bye")
    assert run.on_digit("4") == Play("survey-invalid", "en", interruptible=True)
    assert run.on_digit("1") == Hangup()  # the hangup node, entered by next
    assert run.path[-1] == "bye" and run.answers == [SurveyAnswer("s", 1)]


def test_a_comment_is_recorded_after_the_rating_and_keys_meanwhile_are_ignored() -> None:
    run, _ = at_survey(comment_prompt="survey-comment", comment_seconds=20, comment_silence=2)
    assert run.on_digit("5") == Play("survey-comment", "en")
    assert run.answers == [SurveyAnswer("s", 5)]  # kept before the comment: nothing to lose
    assert run.on_digit("7") is None and run.typeahead == []
    assert run.on_played() == Record("s", 20.0, 2.0, "#")
    assert run.on_digit("3") is None
    assert run.on_recorded() == THANKS
    assert run.answers == [SurveyAnswer("s", 5)]


def test_no_comment_is_asked_of_a_caller_who_gave_no_score() -> None:
    run, _ = at_survey(comment_prompt="survey-comment", retries=1)
    assert run.on_played() == THANKS


def test_a_key_typed_before_the_survey_is_taken_as_the_score() -> None:
    run, _ = at_survey()
    run.typeahead.append("2")
    assert run.goto("s") == THANKS
    assert run.answers[-1] == SurveyAnswer("s", 2)


def problems(graph: Any) -> list[tuple[str, str]]:
    return [(p.node, p.message) for p in validate(graph, set(PROMPTS), {"support"})]


def test_the_survey_flow_is_valid_and_its_node_reachable_from_the_queue() -> None:
    assert problems(flow()) == []


def test_the_queue_s_survey_must_be_a_survey_node() -> None:
    graph = flow()
    graph["nodes"]["bye"] = {"type": "hangup"}
    graph["nodes"]["q"]["survey"] = "bye"
    assert ("q", "'bye' must be a survey node") in problems(graph)
    graph["nodes"]["q"]["survey"] = "nowhere"
    assert ("q", "leads to unknown node 'nowhere'") in problems(graph)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompt": None}, "'prompt' is required"),
        ({"keys": "1a"}, "'keys' must be digits, each a score (e.g. '12345')"),
        ({"keys": ""}, "'keys' must be digits, each a score (e.g. '12345')"),
        ({"keys": "113"}, "'keys' names a digit twice"),
        ({"retries": 0}, "'retries' must be a whole number of at least 1"),
        ({"timeout": -1}, "'timeout' must be a positive number of seconds"),
        ({"comment_seconds": "long"}, "'comment_seconds' must be a positive number of seconds"),
        ({"thanks": "merci"}, "prompt 'merci' is missing"),
        ({"comment_prompt": "say-more"}, "prompt 'say-more' is missing"),
    ],
)
def test_bad_survey_fields_are_refused(fields: dict[str, Any], message: str) -> None:
    assert problems(flow(**fields)) == [("s", message)]


def test_the_simulator_s_agent_hangs_up_key_leads_to_the_survey() -> None:
    trace = simulate(flow(comment_prompt="survey-comment"), keys="!4.#")
    assert trace.path == ["q", "s"] and trace.end == "hangup"
    assert [p.prompt for p in trace.played] == ["survey-rate", "survey-comment", "survey-thanks"]
    assert trace.answers == [SurveyAnswer("s", 4)]


def test_the_simulator_without_the_agent_hanging_up_ends_in_the_queue() -> None:
    assert simulate(flow()).end == "queue:support"
    graph = flow()
    del graph["nodes"]["q"]["survey"]
    trace = simulate(graph, keys="!")
    assert (trace.path, trace.end, trace.answers) == (["q"], "hangup", [])
