"""Agents' desk phones for auto-provisioning: MAC address, vendor and model."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "agent" ADD COLUMN "phone_mac" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "agent" ADD COLUMN "phone_vendor" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "agent" ADD COLUMN "phone_model" VARCHAR(255) NOT NULL DEFAULT ''""",
    """CREATE INDEX "agent_phone_mac" ON "agent" ("phone_mac")""",
]


def up(database: Database) -> None:
    """Add the phone columns (no phone until an admin or a profile assigns one)."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
