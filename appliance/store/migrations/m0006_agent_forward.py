"""Agents get a number their direct calls are forwarded to."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "agent" ADD COLUMN "forward_to" VARCHAR(255) NOT NULL DEFAULT ''""",
]


def up(database: Database) -> None:
    """Add the column."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
