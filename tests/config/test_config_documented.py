"""Every setting is documented in docs/configuration.md."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from appliance.config import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def keys(cls: Any, prefix: str = "") -> Iterator[str]:
    for f in dataclasses.fields(cls):
        default = getattr(cls(), f.name)
        if dataclasses.is_dataclass(default):
            yield from keys(type(default), f"{prefix}{f.name}.")
        else:
            yield prefix + f.name


def test_every_setting_has_a_row_in_the_reference() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [k for k in keys(Settings) if f"| `{k}` |" not in text]
    assert missing == []
