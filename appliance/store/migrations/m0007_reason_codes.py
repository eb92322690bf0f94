"""Not-ready reason codes (示忙原因): the list agents choose from, with usual defaults."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "reason_code" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "code" VARCHAR(64) NOT NULL,
        "title" VARCHAR(255) NOT NULL,
        "title_zh" VARCHAR(255) NOT NULL DEFAULT '',
        "paid" INTEGER NOT NULL DEFAULT 1,
        "enabled" INTEGER NOT NULL DEFAULT 1)""",
    """CREATE UNIQUE INDEX "reason_code_code" ON "reason_code" ("code")""",
]
# What call centers usually pause for; an admin edits, adds or disables them.
DEFAULTS = [
    ("break", "Break", "休息", 1),
    ("lunch", "Lunch", "午餐", 0),
    ("meeting", "Meeting", "开会", 1),
    ("training", "Training", "培训", 1),
    ("after-call-work", "After-call work", "话后处理", 1),
    ("outbound", "Own outbound calls", "外呼", 1),
]


def up(database: Database) -> None:
    """Create the table with the default codes."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
    for code, title, title_zh, paid in DEFAULTS:
        database.execute_sql(
            'INSERT INTO "reason_code" ("code", "title", "title_zh", "paid") VALUES (?, ?, ?, ?)',
            (code, title, title_zh, paid),
        )
