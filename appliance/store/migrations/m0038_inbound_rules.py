"""Inbound routes by caller ID and time: rules on an inbound number, tried before its target."""

from __future__ import annotations

from peewee import Database


def up(database: Database) -> None:
    """Give every inbound number an empty rule set (its own target for every call)."""
    database.execute_sql(
        """ALTER TABLE "inbound_number" ADD COLUMN "rules" TEXT NOT NULL DEFAULT ''"""
    )
