"""The reseller's units (issue 8): the boxes a reseller watches and the reports they send.

The `reseller` role itself needs no schema change: `user.role` is free text, and
`web/auth/guards.py` names the roles.
"""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "reseller_unit" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "reseller_id" INTEGER NOT NULL,
        "serial" VARCHAR(64) NOT NULL,
        "label" VARCHAR(255) NOT NULL DEFAULT '',
        "token_hash" VARCHAR(255) NOT NULL UNIQUE,
        "created_at" DATETIME NOT NULL,
        "last_seen_at" DATETIME,
        "version" VARCHAR(255) NOT NULL DEFAULT '',
        "health" VARCHAR(255) NOT NULL DEFAULT '',
        "calls_today" INTEGER NOT NULL DEFAULT 0,
        "report" TEXT,
        FOREIGN KEY ("reseller_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "resellerunit_reseller_id" ON "reseller_unit" ("reseller_id")""",
    """CREATE UNIQUE INDEX "resellerunit_reseller_id_serial"
        ON "reseller_unit" ("reseller_id", "serial")""",
    """CREATE TABLE "unit_report" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "unit_id" INTEGER NOT NULL,
        "received_at" DATETIME NOT NULL,
        "report" TEXT NOT NULL,
        FOREIGN KEY ("unit_id") REFERENCES "reseller_unit" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "unitreport_unit_id" ON "unit_report" ("unit_id")""",
    """CREATE INDEX "unitreport_received_at" ON "unit_report" ("received_at")""",
]


def up(database: Database) -> None:
    """Create the reseller_unit and unit_report tables."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
