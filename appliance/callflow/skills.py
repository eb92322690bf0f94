"""Skill requirements of a queue, widened the longer a caller waits (like queuerules).

A queue may require skills: ``{"billing": 3}`` means only agents whose ``billing``
level is 3 or more take its callers.  Widening steps ``[[30, 1], [60, 3]]`` relax
that by 1 level once a caller has waited 30 s and by 3 levels after 60 s; a
requirement relaxed to 0 or below no longer counts, so then any member may answer.
An agent without a skill has level 0 in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def check_requirements(queue: str, skills: Any, widen: Any) -> list[tuple[float, int]]:
    """Return a queue's widening steps sorted by time; raise KeyError naming what is wrong."""
    if not isinstance(skills, Mapping) or not all(
        isinstance(k, str) and _is_int(v) for k, v in skills.items()
    ):
        raise KeyError(f"queue {queue!r}: skills must map skill names to levels, got {skills!r}")
    steps = []
    for step in widen if isinstance(widen, list) else [None]:
        if not (
            isinstance(step, list | tuple)
            and len(step) == 2
            and isinstance(step[0], int | float)
            and step[0] >= 0
            and _is_int(step[1])
        ):
            raise KeyError(
                f"queue {queue!r}: skill_widen must be [[seconds, levels], ...], got {widen!r}"
            )
        steps.append((float(step[0]), int(step[1])))
    return sorted(steps)


def _is_int(value: Any) -> bool:
    """Return true if value is an int (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def relaxation(steps: list[tuple[float, int]], waited: float) -> int:
    """Return by how many levels requirements are relaxed after waiting `waited` seconds."""
    relax = 0
    for after, levels in steps:
        if waited < after:
            break
        relax = levels
    return relax


def qualifies(agent: Mapping[str, int], required: Mapping[str, int], relax: int = 0) -> bool:
    """Return true if an agent's skill levels meet every requirement, relaxed by `relax`."""
    return all(agent.get(skill, 0) >= level - relax for skill, level in required.items())


def match_score(agent: Mapping[str, int], required: Mapping[str, int]) -> int:
    """Return how well an agent covers the required skills: the sum of their levels in them."""
    return sum(agent.get(skill, 0) for skill in required)
