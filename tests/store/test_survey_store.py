"""Survey results in the store: migration 11, the writer's rows and comments, survey.results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from peewee import Database
from store_support import database_at, later_than

from appliance.config import Settings
from appliance.engine.control import CommandError
from appliance.engine.survey_commands import SurveyCommands
from appliance.store import migrations
from appliance.store.models import SurveyResult
from appliance.store.writer import EventWriter


def answer(call_id: str, score: int | None, node: str = "rate") -> dict[str, Any]:
    return {"call_id": call_id, "queue": "support", "agent": "1001", "flow": "main",
            "flow_version": 2, "node": node, "score": score}  # fmt: skip


def test_an_older_database_gains_a_table_matching_the_model(settings: Settings) -> None:
    database = database_at(settings, 8)
    applied = migrations.migrate(database, Path(settings.paths.backups))
    assert [m.version for m in applied] == later_than(8)
    columns = {row[1]: row for row in database.execute_sql('PRAGMA table_info("survey_result")')}
    fields = SurveyResult._meta.sorted_fields
    assert set(columns) == {f.column_name for f in fields}
    for f in fields:
        assert columns[f.column_name][3] == (0 if f.null else 1), f.name  # NOT NULL as modelled
    indexes = {i[1] for i in database.execute_sql('PRAGMA index_list("survey_result")')}
    assert {"survey_result_call_id", "survey_result_created_at"} <= indexes
    database.close()


def test_the_writer_stores_answers_and_attaches_a_comment_later(store: Database) -> None:
    writer = EventWriter(store, lambda events: None)
    writer.start()
    writer.survey(answer("c1", 4))
    writer.survey(answer("c2", None))
    writer.survey_comment("c1", "rate", "2026/11/27/c1-rate.wav")
    assert writer.flush(10)
    writer.stop()
    rows = {r.call_id: r for r in SurveyResult.select()}
    assert (rows["c1"].score, rows["c1"].comment) == (4, "2026/11/27/c1-rate.wav")
    assert (rows["c2"].score, rows["c2"].comment, rows["c2"].agent) == (None, None, "1001")
    assert rows["c1"].created_at is not None


def test_survey_results_by_call_and_latest_first(store: Database) -> None:
    for call_id, score in (("c1", 5), ("c2", 3), ("c1", None)):
        SurveyResult.create(**answer(call_id, score, node="rate" if score else "again"))
    commands = SurveyCommands().table
    by_call = commands["survey.results"](call_id="c1")["results"]
    assert [(r["node"], r["score"]) for r in by_call] == [("again", None), ("rate", 5)]
    assert by_call[0]["created_at"].endswith("Z")
    latest = commands["survey.results"](limit=2)["results"]
    assert [r["call_id"] for r in latest] == ["c1", "c2"]
    assert commands["survey.results"](call_id="nobody")["results"] == []


@pytest.mark.parametrize("args", [{"limit": 0}, {"limit": "ten"}, {"limit": True}, {"call_id": 7}])
def test_survey_results_refuses_bad_arguments(store: Database, args: dict[str, Any]) -> None:
    with pytest.raises(CommandError) as refused:
        SurveyCommands().table["survey.results"](**args)
    assert refused.value.error_id == "bad-args"
