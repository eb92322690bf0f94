"""Contact files between the upload and the import: kept under <var>/campaign-imports.

The upload page reads the file's header to offer the mapping; the file waits under a
random name until the mapping is posted, then is imported and removed.  Only names
this module made are opened (32 hex digits), so a posted name reaches no other file.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from web.context import current_settings

NAME = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600  # a file left by a page never confirmed


def folder() -> Path:
    """Return the folder of waiting uploads (made 0700 when missing)."""
    path = Path(current_settings().paths.var) / "campaign-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def keep(data: bytes) -> str:
    """Store an uploaded file; return its token, and clear uploads older than a day."""
    _sweep()
    token = secrets.token_hex(16)
    (folder() / token).write_bytes(data)
    return token


def read(token: str) -> bytes | None:
    """Return a waiting upload's bytes, or None when the token names none."""
    if not NAME.match(token):
        return None
    path = folder() / token
    return path.read_bytes() if path.is_file() else None


def drop(token: str) -> None:
    """Remove a waiting upload."""
    if NAME.match(token):
        (folder() / token).unlink(missing_ok=True)


def _sweep() -> None:
    """Remove uploads left waiting longer than KEEP_SECONDS."""
    cutoff = time.time() - KEEP_SECONDS
    for path in folder().iterdir():
        if NAME.match(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
