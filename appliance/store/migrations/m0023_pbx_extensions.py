"""The office phone system: forward on busy and on no answer, the inbound blacklist, ring groups."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "agent" ADD COLUMN "forward_busy" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "agent" ADD COLUMN "forward_no_answer" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "agent" ADD COLUMN "forward_ring_seconds" INTEGER NOT NULL DEFAULT 20""",
    """CREATE TABLE "blocked_number" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "number" VARCHAR(255) NOT NULL UNIQUE,
        "note" VARCHAR(255) NOT NULL DEFAULT '',
        "created_at" DATETIME NOT NULL)""",
    """CREATE TABLE "ring_group" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "number" VARCHAR(255) NOT NULL UNIQUE,
        "name" VARCHAR(255) NOT NULL DEFAULT '',
        "strategy" VARCHAR(255) NOT NULL DEFAULT 'simultaneous',
        "members" TEXT NOT NULL,
        "ring_seconds" INTEGER NOT NULL DEFAULT 20,
        "no_answer" VARCHAR(255) NOT NULL DEFAULT '')""",
]


def up(database: Database) -> None:
    """Add the forwarding columns (no forward until set), the empty blacklist and groups."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
