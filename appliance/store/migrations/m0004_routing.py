# ruff: noqa: E501  (DDL kept verbatim, one statement a line)
"""Routing data: customers (owner, VIP tier, region), agent skills, queue skill requirements,
sticky days and preferred-agent wait, conditional routing rules and region groups."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "queue" ADD COLUMN "skills" TEXT NOT NULL DEFAULT '{}'""",
    """ALTER TABLE "queue" ADD COLUMN "skill_widen" TEXT NOT NULL DEFAULT '[]'""",
    """ALTER TABLE "queue" ADD COLUMN "sticky_days" INTEGER NOT NULL DEFAULT 30""",
    """ALTER TABLE "queue" ADD COLUMN "preferred_wait_seconds" INTEGER NOT NULL DEFAULT 0""",
    """CREATE TABLE "agent_skill" ("id" INTEGER NOT NULL PRIMARY KEY, "agent_id" INTEGER NOT NULL, "skill" VARCHAR(255) NOT NULL, "level" INTEGER NOT NULL, FOREIGN KEY ("agent_id") REFERENCES "agent" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "agent_skill_agent_id" ON "agent_skill" ("agent_id")""",
    """CREATE UNIQUE INDEX "agent_skill_agent_id_skill" ON "agent_skill" ("agent_id", "skill")""",
    """CREATE TABLE "customer" ("id" INTEGER NOT NULL PRIMARY KEY, "number" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "owner_id" INTEGER, "vip" INTEGER NOT NULL, "region" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("owner_id") REFERENCES "agent" ("id") ON DELETE SET NULL)""",
    """CREATE UNIQUE INDEX "customer_number" ON "customer" ("number")""",
    """CREATE INDEX "customer_owner_id" ON "customer" ("owner_id")""",
    """CREATE TABLE "routing_rule" ("id" INTEGER NOT NULL PRIMARY KEY, "queue_id" INTEGER NOT NULL, "position" INTEGER NOT NULL, "conditions" TEXT NOT NULL, "action" TEXT NOT NULL, "enabled" INTEGER NOT NULL, "note" VARCHAR(255) NOT NULL, FOREIGN KEY ("queue_id") REFERENCES "queue" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "routing_rule_queue_id" ON "routing_rule" ("queue_id")""",
    """CREATE TABLE "region_group" ("id" INTEGER NOT NULL PRIMARY KEY, "queue_id" INTEGER NOT NULL, "region" VARCHAR(255) NOT NULL, "target" VARCHAR(255) NOT NULL, FOREIGN KEY ("queue_id") REFERENCES "queue" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "region_group_queue_id" ON "region_group" ("queue_id")""",
    """CREATE UNIQUE INDEX "region_group_queue_id_region" ON "region_group" ("queue_id", "region")""",
]


def up(database: Database) -> None:
    """Add the columns and tables."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
