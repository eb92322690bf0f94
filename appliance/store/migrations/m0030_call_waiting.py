"""Call waiting per extension: whether a colleague's call rings a phone already in a call."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "agent" ADD COLUMN "call_waiting" INTEGER NOT NULL DEFAULT 0""",
]


def up(database: Database) -> None:
    """Add the column: off, a phone in a call is busy to colleagues as before."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
