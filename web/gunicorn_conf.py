"""gunicorn settings for the web process, taken from callbox's settings (CALLBOX_* env).

Run from the project folder: ``gunicorn --config python:web.gunicorn_conf 'web:create_app()'``.
"""

from __future__ import annotations

from typing import Any

from web.context import load_settings
from web.tls import ensure_certificate

_settings = load_settings()
_web = _settings.web


def _bind_address(host: str, port: int) -> str:
    """Return host:port for gunicorn, bracketing IPv6 addresses."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


bind = [_bind_address(_web.listen, _web.port)]
wsgi_app = "web:create_app()"
proc_name = "callbox-web"

# gthread, not sync: a sync worker serves one request at a time, and every open
# live page holds its /live/events stream (SSE) for as long as it is open, so two
# browsers would take both workers and the UI would hang.  With gthread each
# stream holds one thread; workers × threads bounds pages plus concurrent requests.
worker_class = "gthread"
workers = _web.workers
threads = _web.threads

# gthread's main loop keeps telling the arbiter it is alive while threads stream,
# so `timeout` bounds a stuck worker, not a request.  It must still exceed the
# 15 s between SSE keep-alives so an idle stream never looks like a hung worker.
timeout = 60
# Streams never finish on their own: do not wait long for them on stop or reload
# (browsers reconnect by themselves).
graceful_timeout = 5
keepalive = 5

# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl):
# a second gunicorn on the box (tests, another instance) would take it over.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# HTTPS everywhere but on a demo box (web/tls.py); the certificate is made before
# gunicorn binds, so a box never serves its first page over plain HTTP.
_tls = ensure_certificate(_settings)
if _tls is not None:
    certfile, keyfile = _tls


def on_starting(server: Any) -> None:
    """Print a new setup token while the box has no admin (once, in the master)."""
    from web.setup.token import announce_token

    try:
        announce_token(_settings, server.log.info)
    except Exception:  # the web still serves; `callbox setup-token` issues one later
        server.log.exception("cannot issue a setup token")
