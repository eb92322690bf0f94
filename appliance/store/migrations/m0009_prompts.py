"""Custom prompts (issue 4): the admin's own recordings, uploads and text-to-speech per language."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "prompt" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "name" VARCHAR(64) NOT NULL,
        "language" VARCHAR(8) NOT NULL,
        "source" VARCHAR(16) NOT NULL,
        "text" TEXT NOT NULL DEFAULT '',
        "seconds" REAL NOT NULL,
        "bytes" INTEGER NOT NULL,
        "updated_at" DATETIME NOT NULL,
        "updated_by" VARCHAR(255) NOT NULL DEFAULT '')""",
    """CREATE UNIQUE INDEX "prompt_name_language" ON "prompt" ("name", "language")""",
]


def up(database: Database) -> None:
    """Create the table."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
