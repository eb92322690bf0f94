"""The unit report job: POST this box's report to its reseller every few minutes.

Runs in the scheduler when `provisioning.report_url` is set, every
`provisioning.report_interval_minutes`.  A failed report is not an alert (the
reseller's page shows the unit as silent): it is logged once when reports stop
getting through and once when they get through again, and the next round simply
sends a fresh report.  One attempt is bounded by `report_timeout_seconds`, so a down
server never holds the scheduler.
"""

from __future__ import annotations

import logging

from appliance.config import Settings
from appliance.jobs.reports import _store
from provisioning.unit_report.builder import build_report
from provisioning.unit_report.sender import ReportNotSent, send_report

log = logging.getLogger(__name__)


class UnitReporter:
    """Send reports, remembering whether the last one failed (to log an outage once)."""

    def __init__(self) -> None:
        """Start with no outage known."""
        self.failing_since_error: str | None = None

    def run(self, settings: Settings) -> bool:
        """Build and send one report; return true if the reseller took it."""
        if not settings.provisioning.report_url:
            return False
        try:
            with _store(settings.paths.database).connection_context():
                report = build_report(settings)
            send_report(report, settings.provisioning)
        except ReportNotSent as exc:
            self._failed(str(exc))
            return False
        except Exception as exc:  # a report must never stop the scheduler
            self._failed(f"{type(exc).__name__}: {exc}")
            return False
        if self.failing_since_error is not None:
            log.info("unit report: %s takes reports again", settings.provisioning.report_url)
        self.failing_since_error = None
        return True

    def _failed(self, error: str) -> None:
        """Log the first failure of an outage as a warning, the rest quietly."""
        if self.failing_since_error is None:
            log.warning("unit report not sent (tried again every round, logged once): %s", error)
        else:
            log.debug("unit report still not sent: %s", error)
        self.failing_since_error = error


def interval_seconds(settings: Settings) -> int:
    """Return the seconds between two reports."""
    return settings.provisioning.report_interval_minutes * 60
