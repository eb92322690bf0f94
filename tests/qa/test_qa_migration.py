"""Migration 19 on a database an older box left: QA tables as modelled, queues keep forever."""

from __future__ import annotations

from pathlib import Path

from store_support import database_at

from appliance.config import Settings
from appliance.store import migrations
from appliance.store.models import QaEvaluation, QaScorecard, Queue


def test_a_version_17_database_gains_qa_and_keeps_its_queues_recordings(
    settings: Settings,
) -> None:
    database = database_at(settings, 17)
    old_row = {
        f.column_name: f.db_value(f.default() if callable(f.default) else f.default)
        for f in Queue._meta.sorted_fields[1:]
        if f.name != "recording_retention_days"
    }
    old_row["name"] = "old"
    columns = ", ".join(f'"{c}"' for c in old_row)
    marks = ", ".join("?" for _ in old_row)
    database.execute_sql(
        f'INSERT INTO "queue" ({columns}) VALUES ({marks})', list(old_row.values())
    )
    assert 19 in [m.version for m in migrations.migrate(database, Path(settings.paths.backups))]
    assert Queue.get(Queue.name == "old").recording_retention_days == 0
    for model in (QaScorecard, QaEvaluation):
        found = {
            row[1] for row in database.execute_sql(f'PRAGMA table_info("{model._meta.table_name}")')
        }
        assert found == {f.column_name for f in model._meta.sorted_fields}, model
    database.close()
