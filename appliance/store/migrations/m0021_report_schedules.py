"""Scheduled reports (issue 6): a report filter relative to the run, e-mailed as CSV or XLSX."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "report_schedule" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "name" VARCHAR(64) NOT NULL UNIQUE,
        "report_range" VARCHAR(16) NOT NULL,
        "queue" VARCHAR(255) NOT NULL DEFAULT '',
        "file_format" VARCHAR(8) NOT NULL,
        "recipients" TEXT NOT NULL,
        "frequency" VARCHAR(16) NOT NULL,
        "at" VARCHAR(5) NOT NULL,
        "weekday" INTEGER NOT NULL DEFAULT 0,
        "day_of_month" INTEGER NOT NULL DEFAULT 1,
        "enabled" INTEGER NOT NULL DEFAULT 1,
        "created_at" REAL NOT NULL,
        "last_run_at" REAL)""",
]


def up(database: Database) -> None:
    """Create the report_schedule table."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
