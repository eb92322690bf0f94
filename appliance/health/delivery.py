"""Deliver each new alert once: to syslog and by e-mail, then stamp it delivered.

Syslog goes to watchdog.syslog_address ("host:port", UDP) or /dev/log when present.
E-mail goes through the smtp settings to watchdog.alert_emails; with smtp disabled
or no recipients it is left out.  An alert is stamped only once every configured
channel took it, so a failing mail server means another try next round.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import smtplib
import socket
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from peewee import Database

from appliance.config import Settings
from appliance.health import alerts
from appliance.store.models import Alert

log = logging.getLogger("callbox.watchdog")
DEV_LOG = "/dev/log"


class Delivery:
    """Send new alerts to syslog and by e-mail."""

    def __init__(self, settings: Settings, database: Database) -> None:
        """Deliver as settings.watchdog and settings.smtp say."""
        self.settings = settings
        self.database = database
        self.syslog = syslog_logger(settings.watchdog.syslog_address)
        self._logged: set[tuple[int, object]] = set()  # (alert id, raised_at) sent to syslog

    def deliver(self) -> list[str]:
        """Deliver every undelivered alert; return the keys delivered."""
        pending = alerts.undelivered()
        if not pending:
            return []
        for alert in pending:
            if (alert.id, alert.raised_at) not in self._logged:  # once, even if mail retries
                self.log_alert(alert)
                self._logged.add((alert.id, alert.raised_at))
        try:
            self._mail(pending)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("alert e-mail not sent (tried again next round): %s", exc)
            return []
        alerts.mark_delivered(self.database, [a.id for a in pending])
        return [a.key for a in pending]

    def log_alert(self, alert: Alert) -> None:
        """Write one alert to syslog."""
        if self.syslog is not None:
            level = logging.CRITICAL if alert.severity == alerts.CRITICAL else logging.WARNING
            self.syslog.log(level, "callbox alert %s: %s %s", alert.key, alert.kind, alert.detail)

    def log_cleared(self, key: str) -> None:
        """Write to syslog that an alert's condition is gone."""
        if self.syslog is not None:
            self.syslog.info("callbox alert %s cleared", key)

    def _mail(self, pending: list[Alert]) -> None:
        """E-mail the alerts in one message, if e-mail is set up."""
        smtp, recipients = self.settings.smtp, self.settings.watchdog.alert_emails
        if not (smtp.enabled and recipients):
            return
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.username:
                server.login(smtp.username, smtp.password)
            server.send_message(compose(pending, smtp.sender, recipients))


def compose(pending: list[Alert], sender: str, recipients: list[str]) -> EmailMessage:
    """Return one e-mail listing the alerts."""
    host = socket.gethostname()
    mail = EmailMessage()
    first = min(pending, key=lambda a: a.severity != alerts.CRITICAL)  # the worst names the mail
    more = f" (+{len(pending) - 1} more)" if len(pending) > 1 else ""
    mail["Subject"] = f"[callbox {host}] {first.severity}: {first.key}{more}"
    mail["From"], mail["To"] = sender, ", ".join(recipients)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid("alert")
    lines = [f"{a.severity.upper()} {a.key} ({a.kind}) since {a.raised_at:%Y-%m-%d %H:%M:%S} UTC"
             f"\n    {a.detail}" for a in pending]  # fmt: skip
    mail.set_content(f"The watchdog of {host} reports:\n\n" + "\n".join(lines) + "\n")
    return mail


def syslog_logger(address: str) -> logging.Logger | None:
    """Return a logger writing to syslog at address ("host:port") or /dev/log, or None."""
    if address:
        host, _, port = address.rpartition(":")
        target: str | tuple[str, int] = (host.strip("[]"), int(port))
    elif os.path.exists(DEV_LOG):
        target = DEV_LOG
    else:
        return None
    logger = logging.getLogger(f"callbox.syslog.{address or 'local'}")
    if not logger.handlers:
        handler = logging.handlers.SysLogHandler(
            address=target, facility=logging.handlers.SysLogHandler.LOG_DAEMON
        )
        handler.ident = "callbox-watchdog: "
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.INFO)
    return logger
