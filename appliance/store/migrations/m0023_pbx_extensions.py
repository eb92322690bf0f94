"""The office phone system: forward on busy and on no answer, and the inbound blacklist."""

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
]


def up(database: Database) -> None:
    """Add the forwarding columns (no forward until set) and the empty blacklist."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
