"""Helpers of the profile tests: the example profile, edited copies, the line of a text."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "provisioning" / "examples" / "unit.yml"


def example_text() -> str:
    """Return the example profile's text."""
    return EXAMPLE.read_text(encoding="utf-8")


def edited(old: str, new: str, text: str | None = None) -> str:
    """Return the example (or text) with old replaced once by new; old must be in it."""
    source = example_text() if text is None else text
    assert old in source, old
    return source.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    """Return the 1-based line of the first occurrence of fragment in text."""
    index = text.index(fragment)
    return text.count("\n", 0, index) + 1
