"""Alerts: conditions shown as a web banner and delivered by e-mail and syslog."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "alert" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "key" VARCHAR(255) NOT NULL UNIQUE,
        "kind" VARCHAR(255) NOT NULL,
        "severity" VARCHAR(255) NOT NULL DEFAULT 'warning',
        "params" TEXT NOT NULL DEFAULT '{}',
        "detail" TEXT NOT NULL DEFAULT '',
        "raised_at" DATETIME NOT NULL,
        "last_seen_at" DATETIME NOT NULL,
        "count" INTEGER NOT NULL DEFAULT 1,
        "cleared_at" DATETIME,
        "notified_at" DATETIME)""",
    """CREATE INDEX "alert_cleared_at" ON "alert" ("cleared_at")""",
]


def up(database: Database) -> None:
    """Create the empty alert table."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
