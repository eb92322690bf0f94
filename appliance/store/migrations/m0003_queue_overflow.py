"""Queues get an overflow target and a maximum number of waiting callers."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "queue" ADD COLUMN "overflow" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "queue" ADD COLUMN "max_callers" INTEGER NOT NULL DEFAULT 0""",
]


def up(database: Database) -> None:
    """Add the columns."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
