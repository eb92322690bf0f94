"""A driver's config schema: named fields with a type, a default and a check.

Each driver declares ``SCHEMA: tuple[Field, ...]``; `validate` turns a board's raw
config (a mapping from YAML) into a plain dict or raises BoardConfigError naming the
board and the key, so a typo in a board's config is never silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from appliance.boards.exceptions import BoardConfigError

REQUIRED = object()  # a Field default meaning "must be given"
COMMON_KEYS = ("name", "type", "numbers")  # numbers: each port's inbound number, in order


@dataclass(frozen=True)
class Field:
    """One config key: its type, default (or REQUIRED), and an optional extra check.

    `check` returns an error message for a bad value, or "" when the value is good.
    """

    key: str
    kind: type
    default: Any = REQUIRED
    check: Callable[[Any], str] | None = None
    help: str = ""


def validate(raw: Mapping[str, Any], fields: tuple[Field, ...], board: str) -> dict[str, Any]:
    """Return the board's config with defaults filled in; raise BoardConfigError if bad."""
    known = {f.key for f in fields} | set(COMMON_KEYS)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise BoardConfigError(
            f"board {board}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    numbers = raw.get("numbers", [])
    if not isinstance(numbers, list) or not all(
        isinstance(n, str | int) and not isinstance(n, bool) and str(n).strip() for n in numbers
    ):
        raise BoardConfigError(
            f"board {board}: numbers must be a list of inbound numbers, one per port, "
            f"got {numbers!r}"
        )
    return {f.key: _value(raw, f, board) for f in fields}


def _value(raw: Mapping[str, Any], field: Field, board: str) -> Any:
    """Return one key's value, checked."""
    if field.key not in raw:
        if field.default is REQUIRED:
            raise BoardConfigError(f"board {board}: {field.key} is required ({field.help})")
        return field.default
    value = raw[field.key]
    if field.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, field.kind) or (field.kind is int and isinstance(value, bool)):
        raise BoardConfigError(
            f"board {board}: {field.key} must be {field.kind.__name__}, got {value!r}"
        )
    problem = field.check(value) if field.check else ""
    if problem:
        raise BoardConfigError(f"board {board}: {field.key} {problem}")
    return value


def one_of(*choices: str) -> Callable[[Any], str]:
    """Return a check that the value is one of the choices."""

    def check(value: Any) -> str:
        """Return an error unless value is a known choice."""
        return "" if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"

    return check


def at_least(minimum: float) -> Callable[[Any], str]:
    """Return a check that the value is at least minimum."""

    def check(value: Any) -> str:
        """Return an error if value is below the minimum."""
        return "" if value >= minimum else f"must be at least {minimum}, got {value!r}"

    return check
