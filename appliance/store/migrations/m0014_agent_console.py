"""The agent console: users linked to an extension, fuller customer records, wrap-up
dispositions, personal address books and internal messages."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "user" ADD COLUMN "extension" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "customer" ADD COLUMN "company" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "customer" ADD COLUMN "address" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "customer" ADD COLUMN "other_numbers" VARCHAR(255) NOT NULL DEFAULT ''""",
    """CREATE TABLE "disposition_code" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "code" VARCHAR(64) NOT NULL,
        "title" VARCHAR(255) NOT NULL,
        "title_zh" VARCHAR(255) NOT NULL DEFAULT '',
        "enabled" INTEGER NOT NULL DEFAULT 1)""",
    """CREATE UNIQUE INDEX "disposition_code_code" ON "disposition_code" ("code")""",
    """CREATE TABLE "call_disposition" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "call_id" VARCHAR(255) NOT NULL,
        "agent" VARCHAR(255) NOT NULL,
        "code" VARCHAR(64) NOT NULL,
        "note" TEXT NOT NULL DEFAULT '',
        "created_at" DATETIME NOT NULL)""",
    """CREATE INDEX "call_disposition_call_id" ON "call_disposition" ("call_id")""",
    """CREATE TABLE "address_book_entry" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "user_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
        "name" VARCHAR(255) NOT NULL,
        "number" VARCHAR(255) NOT NULL,
        "note" VARCHAR(255) NOT NULL DEFAULT '')""",
    """CREATE INDEX "address_book_entry_user_id" ON "address_book_entry" ("user_id")""",
    """CREATE TABLE "agent_message" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "sender_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
        "recipient_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
        "body" TEXT NOT NULL,
        "created_at" DATETIME NOT NULL,
        "read_at" DATETIME)""",
    """CREATE INDEX "agent_message_recipient_id" ON "agent_message" ("recipient_id")""",
]
# What agents usually record at wrap-up; an admin edits, adds or disables them.
DEFAULTS = [
    ("resolved", "Resolved", "已解决"),
    ("follow-up", "Needs follow-up", "需跟进"),
    ("escalated", "Escalated", "已升级"),
    ("sale", "Sale", "成交"),
    ("no-sale", "No sale", "未成交"),
    ("wrong-number", "Wrong number", "打错电话"),
]


def up(database: Database) -> None:
    """Add the columns and tables, with the default disposition codes."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
    for code, title, title_zh in DEFAULTS:
        database.execute_sql(
            'INSERT INTO "disposition_code" ("code", "title", "title_zh") VALUES (?, ?, ?)',
            (code, title, title_zh),
        )
