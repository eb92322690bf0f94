"""Answering-machine detection per campaign, off unless the campaign asks for it."""

from __future__ import annotations

from peewee import Database


def up(database: Database) -> None:
    """Give every campaign the `amd` flag, off."""
    database.execute_sql("""ALTER TABLE "campaign" ADD COLUMN "amd" INTEGER NOT NULL DEFAULT 0""")
