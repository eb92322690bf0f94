"""The audit log (issue 5): who changed what in the admin pages, with before and after."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "audit_entry" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "at" DATETIME NOT NULL,
        "username" VARCHAR(255) NOT NULL,
        "area" VARCHAR(64) NOT NULL,
        "object_key" VARCHAR(255) NOT NULL,
        "action" VARCHAR(16) NOT NULL,
        "before" TEXT,
        "after" TEXT)""",
    """CREATE INDEX "audit_entry_at" ON "audit_entry" ("at")""",
    """CREATE INDEX "audit_entry_area_object_key" ON "audit_entry" ("area", "object_key")""",
]


def up(database: Database) -> None:
    """Create the table and its indexes."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
