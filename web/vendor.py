"""The front-end libraries under web/static/vendor/ (installed by `make web-assets`).

Pages that use one load it with a script tag in their own `head` block, never from a
CDN, and show a clear message when the file is missing (a box set up without
`make web-assets`): the page still works, without what the library adds.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

FILES = {"htmx": "htmx.min.js", "chart": "chart.umd.js"}  # library -> file in static/vendor


def missing(*libraries: str) -> list[str]:
    """Return the libraries among those named whose file is not installed."""
    folder = Path(current_app.static_folder or "static") / "vendor"
    return [name for name in libraries if not (folder / FILES[name]).is_file()]
