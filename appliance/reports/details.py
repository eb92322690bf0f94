"""The call detail list of a report: its calls newest first, a page at a time.

The page is read from the store by `queries.newest_page` (the filter's one
definition, `queries.selected`), ordered and cut by SQLite, so a year's list is as
quick as a day's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from appliance.reports import queries

PAGE_SIZE = 50


@dataclass(frozen=True)
class DetailPage:
    """One page of calls, newest first, and where it is among the pages."""

    rows: list[dict[str, Any]]
    page: int  # 1-based, within 1..pages
    pages: int  # at least 1, even with no calls
    total: int


def page_of(report: queries.ReportFilter, page: int, size: int = PAGE_SIZE) -> DetailPage:
    """Return page (clamped to the pages there are) of the filter's calls, newest first."""
    total = queries.count(report)
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    return DetailPage(queries.newest_page(report, (page - 1) * size, size), page, pages, total)
