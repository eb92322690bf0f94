"""Post-call survey results (issue 4): one row per answer, tied to the call, agent and queue."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "survey_result" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "call_id" VARCHAR(255) NOT NULL,
        "queue" VARCHAR(255),
        "agent" VARCHAR(255),
        "flow" VARCHAR(255) NOT NULL,
        "flow_version" INTEGER NOT NULL,
        "node" VARCHAR(255) NOT NULL,
        "score" INTEGER,
        "comment" VARCHAR(255),
        "created_at" DATETIME NOT NULL)""",
    """CREATE INDEX "survey_result_call_id" ON "survey_result" ("call_id")""",
    """CREATE INDEX "survey_result_created_at" ON "survey_result" ("created_at")""",
]


def up(database: Database) -> None:
    """Create the table."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
