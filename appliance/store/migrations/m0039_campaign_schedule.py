"""A campaign's own start and stop times, which the scheduler acts on (docs/dialer.md)."""

from __future__ import annotations

from peewee import Database


def up(database: Database) -> None:
    """Add `start_at` and `stop_at` (UNIX times, null: none) to every campaign."""
    database.execute_sql('ALTER TABLE "campaign" ADD COLUMN "start_at" REAL')
    database.execute_sql('ALTER TABLE "campaign" ADD COLUMN "stop_at" REAL')
