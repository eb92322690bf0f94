"""Outbound routes, and each extension's class of service (what, when, how long it may dial)."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "outbound_route" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "name" VARCHAR(255) NOT NULL UNIQUE,
        "position" INTEGER NOT NULL DEFAULT 1,
        "patterns" TEXT NOT NULL,
        "prepend" VARCHAR(255) NOT NULL DEFAULT '',
        "trunks" TEXT NOT NULL,
        "caller_id" VARCHAR(255) NOT NULL DEFAULT '',
        "enabled" INTEGER NOT NULL DEFAULT 1)""",
    # International calling is off until an admin allows it (toll fraud: docs/outbound.md).
    """ALTER TABLE "agent" ADD COLUMN "call_class" VARCHAR(255) NOT NULL DEFAULT 'national'""",
    """ALTER TABLE "agent" ADD COLUMN "call_hours" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "agent" ADD COLUMN "max_call_seconds" INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE "agent" ADD COLUMN "caller_id" VARCHAR(255) NOT NULL DEFAULT ''""",
]


def up(database: Database) -> None:
    """Create the route table and add the extensions' call restrictions."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
