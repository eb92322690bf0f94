"""Voicemail (issue 4): mailboxes with PIN, e-mail and greeting; the messages left in them.

Every agent gets a box named by their extension, and there is one `general` box.
"""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "voicemail_box" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "name" VARCHAR(255) NOT NULL,
        "title" VARCHAR(255) NOT NULL DEFAULT '',
        "agent_id" INTEGER,
        "queue_id" INTEGER,
        "pin_hash" VARCHAR(255) NOT NULL DEFAULT '',
        "email" VARCHAR(255) NOT NULL DEFAULT '',
        "greeting" VARCHAR(255) NOT NULL DEFAULT '',
        "language" VARCHAR(255) NOT NULL DEFAULT 'en',
        "max_seconds" INTEGER NOT NULL DEFAULT 120,
        "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        FOREIGN KEY ("agent_id") REFERENCES "agent" ("id") ON DELETE SET NULL,
        FOREIGN KEY ("queue_id") REFERENCES "queue" ("id") ON DELETE SET NULL)""",
    """CREATE UNIQUE INDEX "voicemail_box_name" ON "voicemail_box" ("name")""",
    """CREATE INDEX "voicemail_box_agent_id" ON "voicemail_box" ("agent_id")""",
    """CREATE INDEX "voicemail_box_queue_id" ON "voicemail_box" ("queue_id")""",
    """CREATE TABLE "voicemail_message" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "box_id" INTEGER NOT NULL,
        "call_id" VARCHAR(255) NOT NULL,
        "caller" VARCHAR(255) NOT NULL DEFAULT '',
        "file" VARCHAR(255) NOT NULL,
        "seconds" REAL NOT NULL DEFAULT 0,
        "created_at" REAL NOT NULL,
        "heard_at" REAL,
        "deleted" INTEGER NOT NULL DEFAULT 0,
        FOREIGN KEY ("box_id") REFERENCES "voicemail_box" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "voicemail_message_box_id" ON "voicemail_message" ("box_id")""",
    """CREATE INDEX "voicemail_message_call_id" ON "voicemail_message" ("call_id")""",
    # A box for every agent already there, and the general box.
    'INSERT INTO "voicemail_box" ("name", "title", "agent_id") '
    'SELECT "extension", "name", "id" FROM "agent"',
    """INSERT INTO "voicemail_box" ("name", "title") VALUES ('general', 'General')""",
]


def up(database: Database) -> None:
    """Create the tables and the boxes of the agents already there."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
