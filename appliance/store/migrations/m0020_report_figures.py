"""Report figures (issue 6): hold, wrap-up, transfers and overflow on CDRs; interval rollups.

Existing CDRs get zeros (their events can rebuild them).  A trigger drops an interval's
rollups whenever a CDR starting in it is written, changed or removed, whoever writes
it (the event writer, the restart recovery, an import), so rollups are never stale:
an interval without its `rollup_interval` row is read from the raw CDRs.
"""

from __future__ import annotations

from peewee import Database

# The interval (30 min, reports/rollups.py INTERVAL_SECONDS) is fixed here as migrated.
# Compared, not divided: start <= t < start + 1800 is exact for any float t, as Python's
# floor division in rollups.interval_start is.
_DROP = (
    'DELETE FROM "rollup_interval" WHERE "start" <= {row}."started_at"'
    ' AND "start" > {row}."started_at" - 1800;'
)

# metrics.Components' fields as migrated (counts, and times in whole milliseconds).
FIGURES = (
    "offered", "answered", "answered_in_threshold", "abandoned", "short_abandoned",
    "abandoned_in_threshold", "voicemail", "callbacks", "forwarded", "failed", "interrupted",
    "overflowed", "transfers", "callback_calls", "answered_wait_ms", "talk_ms", "hold_ms",
    "wrap_up_ms", "late_abandon_wait_ms", "longest_wait_ms",
)  # fmt: skip

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
        {})""".format(
        ",\n        ".join(f'"{name}" INTEGER NOT NULL DEFAULT 0' for name in FIGURES)
    ),
    """CREATE UNIQUE INDEX "queue_rollup_start_queue_threshold"
        ON "queue_rollup" ("start", "queue", "threshold")""",
    """CREATE TABLE "agent_rollup" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "start" INTEGER NOT NULL,
        "agent" VARCHAR(255) NOT NULL,
        {})""".format(
        ",\n        ".join(f'"{name}" INTEGER NOT NULL DEFAULT 0' for name in FIGURES)
    ),
    """CREATE UNIQUE INDEX "agent_rollup_start_agent" ON "agent_rollup" ("start", "agent")""",
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
