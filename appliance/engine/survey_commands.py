"""Control-socket command `survey.results`: stored survey answers, by call or the latest.

Reads the store on the control server's thread, never on the engine thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from appliance.engine.control import CommandError
from appliance.store.models import SurveyResult

MAX_LIMIT = 1000


class SurveyCommands:
    """Survey commands by name."""

    def __init__(self) -> None:
        self.table: dict[str, Callable[..., Any]] = {"survey.results": self.results}

    def results(self, call_id: str = "", limit: int = 50) -> dict[str, Any]:
        """Return a call's survey answers, or the latest `limit` answers, newest first."""
        if not isinstance(call_id, str):
            raise CommandError("bad-args", "call_id must be text")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise CommandError("bad-args", f"limit must be a whole number from 1 to {MAX_LIMIT}")
        query = SurveyResult.select().order_by(SurveyResult.id.desc())
        if call_id:
            query = query.where(SurveyResult.call_id == call_id)
        return {"results": [_row(r) for r in query.limit(limit)]}


def _row(result: SurveyResult) -> dict[str, Any]:
    """Return one answer as the command lists it."""
    return {
        "call_id": result.call_id,
        "queue": result.queue,
        "agent": result.agent,
        "flow": result.flow,
        "flow_version": result.flow_version,
        "node": result.node,
        "score": result.score,
        "comment": result.comment,
        "created_at": result.created_at.isoformat() + "Z",
    }
