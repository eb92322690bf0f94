"""Business hours (issue 4): named schedules with weekly hours, holidays and 调休 workdays."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "business_hours" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "name" VARCHAR(255) NOT NULL,
        "timezone" VARCHAR(255) NOT NULL,
        "weekly" TEXT NOT NULL DEFAULT '{}',
        "holidays" TEXT NOT NULL DEFAULT '[]',
        "workdays" TEXT NOT NULL DEFAULT '[]')""",
    """CREATE UNIQUE INDEX "business_hours_name" ON "business_hours" ("name")""",
]


def up(database: Database) -> None:
    """Create the table."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
