"""Supervisors' broadcast messages to agents, and each queue's service-level threshold."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "broadcast" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "text" VARCHAR(500) NOT NULL,
        "sender" VARCHAR(255) NOT NULL,
        "created_at" REAL NOT NULL)""",
    """CREATE INDEX "broadcast_created_at" ON "broadcast" ("created_at")""",
    # Answered within this many seconds counts for the service level (docs/metrics.md).
    """ALTER TABLE "queue" ADD COLUMN "service_level_seconds" INTEGER NOT NULL DEFAULT 20""",
]


def up(database: Database) -> None:
    """Create the broadcast table and add the queues' threshold."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
