"""Customers get an account number, so an IVR can find them by what the caller keys in."""

from __future__ import annotations

from peewee import Database

STATEMENTS = [
    """ALTER TABLE "customer" ADD COLUMN "account" VARCHAR(255) NOT NULL DEFAULT ''""",
    """CREATE INDEX "customer_account" ON "customer" ("account")""",
]


def up(database: Database) -> None:
    """Add the column and its index."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
