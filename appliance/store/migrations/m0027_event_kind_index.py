"""An index on call events by kind and time: the toll-fraud check counts calls out by it."""

from __future__ import annotations

from peewee import Database


def up(database: Database) -> None:
    """Index call_event (kind, at)."""
    database.execute_sql('CREATE INDEX "callevent_kind_at" ON "call_event" ("kind", "at")')
