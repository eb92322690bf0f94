# ruff: noqa: E501  (DDL kept verbatim, one statement a line)
"""Create the first tables: users, tokens, agents, queues, trunks, numbers, flows, calls."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "agent" ("id" INTEGER NOT NULL PRIMARY KEY, "extension" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "sip_password" VARCHAR(255) NOT NULL, "state" VARCHAR(255) NOT NULL, "auto_ready" INTEGER NOT NULL, "created_at" DATETIME NOT NULL)""",
    """CREATE UNIQUE INDEX "agent_extension" ON "agent" ("extension")""",
    """CREATE TABLE "user" ("id" INTEGER NOT NULL PRIMARY KEY, "username" VARCHAR(255) NOT NULL, "password_hash" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, "language" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL)""",
    """CREATE UNIQUE INDEX "user_username" ON "user" ("username")""",
    """CREATE TABLE "api_token" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "token_hash" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "api_token_user_id" ON "api_token" ("user_id")""",
    """CREATE UNIQUE INDEX "api_token_token_hash" ON "api_token" ("token_hash")""",
    """CREATE TABLE "call_event" ("id" INTEGER NOT NULL PRIMARY KEY, "call_id" VARCHAR(255) NOT NULL, "at" REAL NOT NULL, "kind" VARCHAR(255) NOT NULL, "leg" VARCHAR(255) NOT NULL, "data" TEXT NOT NULL)""",
    """CREATE INDEX "call_event_call_id" ON "call_event" ("call_id")""",
    """CREATE TABLE "call_leg" ("id" INTEGER NOT NULL PRIMARY KEY, "call_id" VARCHAR(255) NOT NULL, "leg_id" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, "remote" VARCHAR(255) NOT NULL, "started_at" REAL NOT NULL, "answered_at" REAL, "ended_at" REAL, "end_reason" VARCHAR(255) NOT NULL)""",
    """CREATE INDEX "call_leg_call_id" ON "call_leg" ("call_id")""",
    """CREATE UNIQUE INDEX "call_leg_leg_id" ON "call_leg" ("leg_id")""",
    """CREATE TABLE "cdr" ("id" INTEGER NOT NULL PRIMARY KEY, "call_id" VARCHAR(255) NOT NULL, "started_at" REAL NOT NULL, "ended_at" REAL NOT NULL, "from_number" VARCHAR(255) NOT NULL, "to_number" VARCHAR(255) NOT NULL, "direction" VARCHAR(255) NOT NULL, "queue" VARCHAR(255), "agent" VARCHAR(255), "wait_seconds" REAL NOT NULL, "talk_seconds" REAL NOT NULL, "outcome" VARCHAR(255) NOT NULL, "recording" VARCHAR(255))""",
    """CREATE UNIQUE INDEX "cdr_call_id" ON "cdr" ("call_id")""",
    """CREATE INDEX "cdr_started_at" ON "cdr" ("started_at")""",
    """CREATE TABLE "trunk" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "host" VARCHAR(255) NOT NULL, "port" INTEGER NOT NULL, "username" VARCHAR(255) NOT NULL, "password" VARCHAR(255) NOT NULL, "max_channels" INTEGER NOT NULL, "enabled" INTEGER NOT NULL)""",
    """CREATE UNIQUE INDEX "trunk_name" ON "trunk" ("name")""",
    """CREATE TABLE "inbound_number" ("id" INTEGER NOT NULL PRIMARY KEY, "number" VARCHAR(255) NOT NULL, "trunk_id" INTEGER, "target_type" VARCHAR(255) NOT NULL, "target" VARCHAR(255) NOT NULL, FOREIGN KEY ("trunk_id") REFERENCES "trunk" ("id") ON DELETE SET NULL)""",
    """CREATE UNIQUE INDEX "inbound_number_number" ON "inbound_number" ("number")""",
    """CREATE INDEX "inbound_number_trunk_id" ON "inbound_number" ("trunk_id")""",
    """CREATE TABLE "ivr_flow" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "version" INTEGER NOT NULL, "graph" TEXT NOT NULL, "active" INTEGER NOT NULL, "created_at" DATETIME NOT NULL)""",
    """CREATE UNIQUE INDEX "ivr_flow_name_version" ON "ivr_flow" ("name", "version")""",
    """CREATE TABLE "queue" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "title" VARCHAR(255) NOT NULL, "strategy" VARCHAR(255) NOT NULL, "music_class" VARCHAR(255) NOT NULL, "ring_seconds" INTEGER NOT NULL, "max_wait_seconds" INTEGER NOT NULL, "wrap_up_seconds" INTEGER NOT NULL, "record" INTEGER NOT NULL)""",
    """CREATE UNIQUE INDEX "queue_name" ON "queue" ("name")""",
    """CREATE TABLE "queue_member" ("id" INTEGER NOT NULL PRIMARY KEY, "queue_id" INTEGER NOT NULL, "agent_id" INTEGER NOT NULL, "penalty" INTEGER NOT NULL, FOREIGN KEY ("queue_id") REFERENCES "queue" ("id") ON DELETE CASCADE, FOREIGN KEY ("agent_id") REFERENCES "agent" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "queue_member_queue_id" ON "queue_member" ("queue_id")""",
    """CREATE INDEX "queue_member_agent_id" ON "queue_member" ("agent_id")""",
    """CREATE UNIQUE INDEX "queue_member_queue_id_agent_id" ON "queue_member" ("queue_id", "agent_id")""",
]


def up(database: Database) -> None:
    """Create the tables."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
