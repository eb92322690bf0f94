# ruff: noqa: E501  (DDL kept verbatim, one statement a line)
"""Outbound campaigns (issue 9): campaigns, contact lists and contacts, DNC, attempts, callbacks."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "campaign" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, "mode" VARCHAR(16) NOT NULL, "status" VARCHAR(16) NOT NULL, "caller_id" VARCHAR(255) NOT NULL, "queue" VARCHAR(255) NOT NULL, "agents" TEXT NOT NULL, "flow" VARCHAR(255) NOT NULL, "script" TEXT NOT NULL, "retry_policy" TEXT NOT NULL, "window" TEXT NOT NULL, "holidays_from" VARCHAR(255) NOT NULL, "default_zone" VARCHAR(255) NOT NULL, "drop_cap" REAL NOT NULL, "max_channels" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "started_at" DATETIME)""",
    """CREATE UNIQUE INDEX "campaign_name" ON "campaign" ("name")""",
    """CREATE TABLE "contact_list" ("id" INTEGER NOT NULL PRIMARY KEY, "campaign_id" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "source" VARCHAR(255) NOT NULL, "encoding" VARCHAR(255) NOT NULL, "rows" INTEGER NOT NULL, "imported" INTEGER NOT NULL, "rejected" INTEGER NOT NULL, "report" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "contact_list_campaign_id" ON "contact_list" ("campaign_id")""",
    """CREATE TABLE "campaign_contact" ("id" INTEGER NOT NULL PRIMARY KEY, "contact_list_id" INTEGER NOT NULL, "campaign_id" INTEGER NOT NULL, "number" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "timezone" VARCHAR(255) NOT NULL, "fields" TEXT NOT NULL, "attempts" INTEGER NOT NULL, "next_attempt_at" REAL, "last_outcome" VARCHAR(255) NOT NULL, "disposition" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, "done" INTEGER NOT NULL, "row" INTEGER NOT NULL, FOREIGN KEY ("contact_list_id") REFERENCES "contact_list" ("id") ON DELETE CASCADE, FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "campaign_contact_contact_list_id" ON "campaign_contact" ("contact_list_id")""",
    """CREATE INDEX "campaign_contact_campaign_id" ON "campaign_contact" ("campaign_id")""",
    """CREATE INDEX "campaign_contact_next_attempt_at" ON "campaign_contact" ("next_attempt_at")""",
    """CREATE UNIQUE INDEX "campaign_contact_campaign_id_number" ON "campaign_contact" ("campaign_id", "number")""",
    """CREATE TABLE "do_not_call_number" ("id" INTEGER NOT NULL PRIMARY KEY, "number" VARCHAR(255) NOT NULL, "campaign_id" INTEGER, "note" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "do_not_call_number_number" ON "do_not_call_number" ("number")""",
    """CREATE INDEX "do_not_call_number_campaign_id" ON "do_not_call_number" ("campaign_id")""",
    """CREATE UNIQUE INDEX "do_not_call_number_number_campaign_id" ON "do_not_call_number" ("number", "campaign_id")""",
    """CREATE TABLE "dial_attempt" ("id" INTEGER NOT NULL PRIMARY KEY, "campaign_id" INTEGER NOT NULL, "contact_id" INTEGER NOT NULL, "number" VARCHAR(255) NOT NULL, "call_id" VARCHAR(255) NOT NULL, "agent" VARCHAR(255) NOT NULL, "started_at" REAL NOT NULL, "ended_at" REAL, "outcome" VARCHAR(255) NOT NULL, FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE, FOREIGN KEY ("contact_id") REFERENCES "campaign_contact" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "dial_attempt_campaign_id" ON "dial_attempt" ("campaign_id")""",
    """CREATE INDEX "dial_attempt_contact_id" ON "dial_attempt" ("contact_id")""",
    """CREATE TABLE "scheduled_callback" ("id" INTEGER NOT NULL PRIMARY KEY, "campaign_id" INTEGER NOT NULL, "contact_id" INTEGER NOT NULL, "due_at" REAL NOT NULL, "agent" VARCHAR(255) NOT NULL, "note" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "done_at" REAL, FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE, FOREIGN KEY ("contact_id") REFERENCES "campaign_contact" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "scheduled_callback_campaign_id" ON "scheduled_callback" ("campaign_id")""",
    """CREATE INDEX "scheduled_callback_contact_id" ON "scheduled_callback" ("contact_id")""",
    """CREATE INDEX "scheduled_callback_due_at" ON "scheduled_callback" ("due_at")""",
]


def up(database: Database) -> None:
    """Create the six empty campaign tables."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
