"""Agents log in to and out of each of their queues (the agent console's queue login)."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "queue_member" ADD COLUMN "logged_in" INTEGER NOT NULL DEFAULT 1""",
]


def up(database: Database) -> None:
    """Add the column: every membership starts logged in, as before."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
