"""Agents get a not-ready reason and their own wrap-up; queues pause agents who don't answer."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "agent" ADD COLUMN "state_reason" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "agent" ADD COLUMN "wrap_up_seconds" INTEGER""",
    """ALTER TABLE "queue" ADD COLUMN "autopause_after" INTEGER NOT NULL DEFAULT 3""",
]


def up(database: Database) -> None:
    """Add the columns."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
