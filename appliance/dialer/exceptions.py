"""Errors of the dialer domain that callers show to the admin."""

from __future__ import annotations


class ImportFileError(ValueError):
    """A contact file that cannot be read at all (not a table, unknown encoding, no number column).

    Row-level problems never raise: they go to the import report.
    """


class CampaignError(Exception):
    """A campaign command refused: no such campaign, a bad setting, a status it cannot take."""
