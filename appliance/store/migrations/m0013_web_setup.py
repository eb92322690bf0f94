"""The web's first-run wizard state and its login attempts (issue 5).

`setup_state` holds one row: the setup token's SHA-256, the wizard's step and the
choices made so far, so a wizard left halfway resumes.  `login_attempt` counts failed
logins in the store, so every gunicorn worker sees the same count.
"""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """CREATE TABLE "setup_state" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "token_hash" VARCHAR(255) NOT NULL DEFAULT '',
        "token_created_at" DATETIME,
        "step" VARCHAR(255) NOT NULL DEFAULT 'admin',
        "choices" TEXT NOT NULL DEFAULT '{}',
        "completed_at" DATETIME)""",
    """CREATE TABLE "login_attempt" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "username" VARCHAR(255) NOT NULL,
        "address" VARCHAR(255) NOT NULL,
        "at" DATETIME NOT NULL)""",
    """CREATE INDEX "login_attempt_username" ON "login_attempt" ("username")""",
    """CREATE INDEX "login_attempt_address" ON "login_attempt" ("address")""",
    """CREATE INDEX "login_attempt_at" ON "login_attempt" ("at")""",
]


def up(database: Database) -> None:
    """Create the tables."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
