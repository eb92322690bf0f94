"""POST a unit report to the reseller: bearer token, verified HTTPS, one bounded attempt.

The token rides in the `Authorization` header, so the report goes only over HTTPS
(certificate and host name verified, against `provisioning.report_ca_file` when the
reseller runs a private CA), or plain HTTP to a loopback address (a reseller box on
the same machine, the tests).  One attempt waits at most `report_timeout_seconds` per
connect and per read; the job tries again next round.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from appliance.config import ProvisioningSettings

MAX_ANSWER_BYTES = 4096  # of the server's answer, kept for the error message


class ReportNotSent(Exception):
    """The report did not reach the reseller; the message says why in one line."""


def check_url(url: str) -> None:
    """Refuse a URL the token must not travel to (plain HTTP off this machine, not HTTP)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and _loopback(parts.hostname or ""):
        return
    raise ReportNotSent(f"provisioning.report_url {url!r} must be an https:// URL "
                        "(plain http only to a loopback address)")  # fmt: skip


def _loopback(host: str) -> bool:
    """Return true if host is localhost or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(ca_file: str) -> ssl.SSLContext:
    """Return a verifying TLS context: the system's CAs, or only ca_file when set."""
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise ReportNotSent(f"provisioning.report_ca_file {ca_file!r}: {exc}") from None


def send_report(report: dict[str, Any], settings: ProvisioningSettings) -> int:
    """POST report to settings.report_url; return the HTTP status, or raise ReportNotSent."""
    url = settings.report_url
    check_url(url)
    if not settings.report_token:
        raise ReportNotSent("provisioning.report_token is not set")
    headers = {"Content-Type": "application/json",
               "Authorization": f"Bearer {settings.report_token}"}  # fmt: skip
    request = urllib.request.Request(url, json.dumps(report).encode(), headers, method="POST")
    context = tls_context(settings.report_ca_file) if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(
            request, timeout=settings.report_timeout_seconds, context=context
        ) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_ANSWER_BYTES).decode(errors="replace").strip()
        raise ReportNotSent(f"{url} answered {exc.code} {exc.reason}: {body[:200]}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ReportNotSent(f"{url} cannot be reached: {reason}") from None
