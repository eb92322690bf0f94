"""The call detail list of a report: its calls newest first, a page at a time.

The page is cut from `queries.cdr_rows` (the one definition of which calls a filter
selects): a report range is at most MAX_DAYS (web/reports/schemas.py), so reading
the range's rows is what the summary of the same page does anyway.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PAGE_SIZE = 50


@dataclass(frozen=True)
class DetailPage:
    """One page of calls, newest first, and where it is among the pages."""

    rows: list[dict[str, Any]]
    page: int  # 1-based, within 1..pages
    pages: int  # at least 1, even with no calls
    total: int


def newest_first(rows: Sequence[dict[str, Any]], page: int, size: int = PAGE_SIZE) -> DetailPage:
    """Return page (clamped to the pages there are) of rows, newest call first."""
    pages = max(1, math.ceil(len(rows) / size))
    page = min(max(1, page), pages)
    ordered = sorted(rows, key=lambda r: float(r["started_at"]), reverse=True)
    return DetailPage(ordered[(page - 1) * size : page * size], page, pages, len(rows))
