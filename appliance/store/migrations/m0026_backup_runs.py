"""The backup run log (issue 7): every backup, verify and restore run and how it ended."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "backup_run" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "kind" VARCHAR(16) NOT NULL,
        "schedule_id" INTEGER,
        "schedule_name" VARCHAR(255) NOT NULL DEFAULT '',
        "target_name" VARCHAR(255) NOT NULL DEFAULT '',
        "started_at" REAL NOT NULL,
        "finished_at" REAL,
        "status" VARCHAR(16) NOT NULL DEFAULT 'running',
        "stage" VARCHAR(16) NOT NULL DEFAULT '',
        "progress" REAL NOT NULL DEFAULT 0.0,
        "archive" VARCHAR(255) NOT NULL DEFAULT '',
        "base" VARCHAR(255) NOT NULL DEFAULT '',
        "size" INTEGER NOT NULL DEFAULT 0,
        "message" TEXT NOT NULL DEFAULT '')""",
    """CREATE INDEX "backuprun_started_at" ON "backup_run" ("started_at")""",
]


def up(database: Database) -> None:
    """Create the empty backup_run table."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
