# ruff: noqa: E501  (DDL kept verbatim, one statement a line)
"""Queues get announcements, an exit key, join/stay rules and callbacks that keep a caller's place."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "queue" ADD COLUMN "announce_seconds" INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE "queue" ADD COLUMN "periodic_seconds" INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE "queue" ADD COLUMN "periodic_prompt" VARCHAR(255) NOT NULL DEFAULT 'queue-periodic'""",
    """ALTER TABLE "queue" ADD COLUMN "exit_key" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "queue" ADD COLUMN "exit_target" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "queue" ADD COLUMN "join_when" VARCHAR(255) NOT NULL DEFAULT 'staffed'""",
    """ALTER TABLE "queue" ADD COLUMN "stay_when" VARCHAR(255) NOT NULL DEFAULT 'always'""",
    """ALTER TABLE "queue" ADD COLUMN "callback_attempts" INTEGER NOT NULL DEFAULT 3""",
    """ALTER TABLE "queue" ADD COLUMN "callback_retry_seconds" INTEGER NOT NULL DEFAULT 60""",
    """CREATE TABLE "queue_callback" ("id" INTEGER NOT NULL PRIMARY KEY, "callback_id" VARCHAR(255) NOT NULL, "call_id" VARCHAR(255) NOT NULL, "queue" VARCHAR(255) NOT NULL, "number" VARCHAR(255) NOT NULL, "priority" INTEGER NOT NULL, "joined_at" REAL NOT NULL, "requested_at" REAL NOT NULL, "attempts" INTEGER NOT NULL, "state" VARCHAR(255) NOT NULL, "updated_at" REAL NOT NULL)""",
    """CREATE UNIQUE INDEX "queue_callback_callback_id" ON "queue_callback" ("callback_id")""",
    """CREATE INDEX "queue_callback_call_id" ON "queue_callback" ("call_id")""",
]


def up(database: Database) -> None:
    """Add the columns and the callback table."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
