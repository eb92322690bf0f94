# ruff: noqa: E501  (DDL kept verbatim, one statement a line)
"""QA (issue 6): scorecards, evaluations of recorded calls, and each queue's recording retention."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    # Days a queue's recordings are kept after the call; 0: forever (docs/qa.md).
    """ALTER TABLE "queue" ADD COLUMN "recording_retention_days" INTEGER NOT NULL DEFAULT 0""",
    """CREATE TABLE "qa_scorecard" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, "criteria" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL)""",
    """CREATE UNIQUE INDEX "qa_scorecard_name" ON "qa_scorecard" ("name")""",
    """CREATE TABLE "qa_evaluation" ("id" INTEGER NOT NULL PRIMARY KEY, "call_id" VARCHAR(255) NOT NULL, "scorecard_id" INTEGER, "scorecard_name" VARCHAR(255) NOT NULL, "criteria" TEXT NOT NULL, "points" TEXT NOT NULL, "score" REAL NOT NULL, "comment" TEXT NOT NULL, "agent" VARCHAR(255) NOT NULL, "queue" VARCHAR(255) NOT NULL, "evaluator" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("scorecard_id") REFERENCES "qa_scorecard" ("id") ON DELETE SET NULL)""",
    """CREATE INDEX "qa_evaluation_call_id" ON "qa_evaluation" ("call_id")""",
    """CREATE INDEX "qa_evaluation_scorecard_id" ON "qa_evaluation" ("scorecard_id")""",
    """CREATE INDEX "qa_evaluation_agent" ON "qa_evaluation" ("agent")""",
    """CREATE INDEX "qa_evaluation_queue" ON "qa_evaluation" ("queue")""",
    """CREATE INDEX "qa_evaluation_created_at" ON "qa_evaluation" ("created_at")""",
]


def up(database: Database) -> None:
    """Add the retention column and the two QA tables."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
