"""The box's speed-dial list: *0<code> calls a number (docs/pbx.md)."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "speed_dial" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "code" VARCHAR(255) NOT NULL UNIQUE,
        "number" VARCHAR(255) NOT NULL,
        "name" VARCHAR(255) NOT NULL DEFAULT '',
        "created_at" DATETIME NOT NULL)""",
]


def up(database: Database) -> None:
    """Create the empty list."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
