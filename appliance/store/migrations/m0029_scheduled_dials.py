"""Scheduled dial-out (撥出預約): calls out booked ahead, made by the scheduler on time."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "scheduled_dial" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "user_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
        "extension" VARCHAR(255) NOT NULL,
        "number" VARCHAR(255) NOT NULL,
        "note" VARCHAR(255) NOT NULL DEFAULT '',
        "due_at" REAL NOT NULL,
        "status" VARCHAR(255) NOT NULL DEFAULT 'pending',
        "detail" VARCHAR(255) NOT NULL DEFAULT '',
        "created_at" DATETIME NOT NULL,
        "done_at" REAL)""",
    """CREATE INDEX "scheduleddial_user_id" ON "scheduled_dial" ("user_id")""",
    """CREATE INDEX "scheduleddial_due_at" ON "scheduled_dial" ("due_at")""",
]


def up(database: Database) -> None:
    """Create the empty table of booked calls."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
