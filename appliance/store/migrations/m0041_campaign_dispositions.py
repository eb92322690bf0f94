"""A campaign's own list of dispositions its agents choose from (empty: the default set)."""

from __future__ import annotations

from peewee import Database


def up(database: Database) -> None:
    """Give every campaign an empty disposition list (the agents see the default set)."""
    database.execute_sql(
        """ALTER TABLE "campaign" ADD COLUMN "dispositions" TEXT NOT NULL DEFAULT '[]'"""
    )
