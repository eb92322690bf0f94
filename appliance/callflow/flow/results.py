"""What a flow hands the engine to keep besides instructions: a survey's answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SurveyAnswer:
    """A caller's rating at a survey node; `score` is None when they never gave one."""

    node: str
    score: int | None
