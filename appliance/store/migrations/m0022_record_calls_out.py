"""Whether each extension's calls out are recorded (the recording policy page)."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "agent" ADD COLUMN "record_calls_out" INTEGER NOT NULL DEFAULT 0""",
]


def up(database: Database) -> None:
    """Add the column: calls out are not recorded until an admin says so."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
