"""Report figures (issue 6): hold, wrap-up, transfers and overflow on CDRs; interval rollups.

Existing CDRs get zeros (their events can rebuild them).  A trigger drops an interval's
rollups whenever a CDR starting in it is written, changed or removed, whoever writes
it (the event writer, the restart recovery, an import), so rollups are never stale:
an interval without its `rollup_interval` row is read from the raw CDRs.
"""

from __future__ import annotations

from peewee import Database

# The interval (30 min, reports/rollups.py INTERVAL_SECONDS) is fixed here as migrated.
_DROP = (
    'DELETE FROM "rollup_interval"'
    ' WHERE "start" = CAST({row}."started_at" / 1800 AS INTEGER) * 1800;'
)

STATEMENTS = [
    """ALTER TABLE "cdr" ADD COLUMN "hold_seconds" REAL NOT NULL DEFAULT 0""",
    """ALTER TABLE "cdr" ADD COLUMN "wrap_up_seconds" REAL NOT NULL DEFAULT 0""",
    """ALTER TABLE "cdr" ADD COLUMN "transfers" INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE "cdr" ADD COLUMN "overflows" INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE "cdr" ADD COLUMN "overflow_queue" VARCHAR(255)""",
    """CREATE TABLE "rollup_interval" (
        "start" INTEGER NOT NULL PRIMARY KEY,
        "built_at" REAL NOT NULL)""",
    """CREATE TABLE "queue_rollup" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "start" INTEGER NOT NULL,
        "queue" VARCHAR(255) NOT NULL,
        "threshold" REAL NOT NULL,
        "figures" TEXT NOT NULL)""",
    """CREATE UNIQUE INDEX "queue_rollup_start_queue" ON "queue_rollup" ("start", "queue")""",
    f"""CREATE TRIGGER "cdr_rollup_insert" AFTER INSERT ON "cdr"
        BEGIN {_DROP.format(row="NEW")} END""",
    f"""CREATE TRIGGER "cdr_rollup_update" AFTER UPDATE ON "cdr"
        BEGIN {_DROP.format(row="OLD")} {_DROP.format(row="NEW")} END""",
    f"""CREATE TRIGGER "cdr_rollup_delete" AFTER DELETE ON "cdr"
        BEGIN {_DROP.format(row="OLD")} END""",
]


def up(database: Database) -> None:
    """Add the CDR columns, the rollup tables and the triggers that keep rollups honest."""
    for statement in STATEMENTS:
        database.execute_sql(statement)
