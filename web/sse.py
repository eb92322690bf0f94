"""Server-Sent Events responses, shared by the live page, the wallboard and the agent console."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, current_app, stream_with_context

from web.context import current_store


def timing() -> dict[str, Any]:
    """Return the keepalive and retry settings a stream is built with (app config)."""
    return {
        "keepalive": float(current_app.config["SSE_KEEPALIVE_SECONDS"]),
        "retry_ms": int(current_app.config["SSE_RETRY_MILLISECONDS"]),
    }


def response(stream: Iterable[str]) -> Response:
    """Return stream as an event-stream response, unbuffered by proxies.

    The request's store connection is closed first: a stream lasts hours and must not
    hold one meanwhile (the stream opens its own when it needs the store).
    """
    current_store().close()
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(
        stream_with_context(iter(stream)), mimetype="text/event-stream", headers=headers
    )
