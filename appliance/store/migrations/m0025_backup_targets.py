"""Backup targets and schedules (issue 7): where archives go and when they are made."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "backup_target" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "name" VARCHAR(64) NOT NULL UNIQUE,
        "kind" VARCHAR(16) NOT NULL,
        "options" TEXT NOT NULL DEFAULT '{}',
        "created_at" REAL NOT NULL)""",
    """CREATE TABLE "backup_schedule" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "name" VARCHAR(64) NOT NULL UNIQUE,
        "target_id" INTEGER NOT NULL,
        "frequency" VARCHAR(16) NOT NULL,
        "at" VARCHAR(5) NOT NULL,
        "weekday" INTEGER NOT NULL DEFAULT 0,
        "day_of_month" INTEGER NOT NULL DEFAULT 1,
        "recordings" INTEGER NOT NULL DEFAULT 0,
        "incremental" INTEGER NOT NULL DEFAULT 1,
        "encrypt" INTEGER NOT NULL DEFAULT 0,
        "keep" INTEGER NOT NULL DEFAULT 7,
        "enabled" INTEGER NOT NULL DEFAULT 1,
        "created_at" REAL NOT NULL,
        "last_run_at" REAL,
        FOREIGN KEY ("target_id") REFERENCES "backup_target" ("id") ON DELETE RESTRICT)""",
    """CREATE INDEX "backupschedule_target_id" ON "backup_schedule" ("target_id")""",
]


def up(database: Database) -> None:
    """Create the backup_target and backup_schedule tables."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
