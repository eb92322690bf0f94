"""Check that the web answers GET /healthz.

The web's /healthz itself runs `check_all(settings, skip=("web",))`: asked from
inside the web, this check would request /healthz, which would run it again, and so
on.  As a second guard, inside a gunicorn process it answers for itself.
"""

from __future__ import annotations

import os
import ssl
import urllib.error
import urllib.request

from appliance.config import Settings
from appliance.health.address import connect_host
from appliance.health.result import CheckResult

NAME = "web"
ON_FAILURE = "restart"
# /healthz answers 503 when another service is down: the web itself still serves.
SERVING = (200, 503)


def check(settings: Settings) -> CheckResult:
    """Return healthy if GET /healthz gets an answer from the web within a second."""
    if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        return CheckResult.passed(f"this process (pid {os.getpid()}) is the web")
    scheme = "https" if settings.web_https else "http"
    url = f"{scheme}://{_netloc(settings)}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=1.0, context=_loopback_tls()) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return CheckResult.failed(f"{url}: {reason}")
    if status in SERVING:
        return CheckResult.passed(f"{url} answers {status}")
    return CheckResult.failed(f"{url} answers {status}")


def _netloc(settings: Settings) -> str:
    """Return host:port of the web, with IPv6 hosts bracketed."""
    host = connect_host(settings.web.listen)
    return f"[{host}]:{settings.web.port}" if ":" in host else f"{host}:{settings.web.port}"


def _loopback_tls() -> ssl.SSLContext:
    """Return a TLS context trusting the web's own (often self-signed) certificate.

    The check asks this box's web on its own address: whether it serves is the
    question, not who signed its certificate.
    """
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
