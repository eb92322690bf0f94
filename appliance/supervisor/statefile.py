"""Write state files atomically: temp file, fsync, rename, 0600."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_atomic(path: Path | str, data: bytes | str, mode: int = 0o600) -> Path:
    """Replace path with data so a reader sees the old file or the new one, never a part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # before the data lands, so a secret is never world-readable
        with os.fdopen(fd, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def fsync_dir(folder: Path | str) -> None:
    """Make a rename, a new entry or an unlink in folder durable (its own fsync)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path | str, document: Any, mode: int = 0o600) -> Path:
    """Replace path with document as indented JSON."""
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return write_atomic(path, text, mode)


def read_json(path: Path | str) -> Any:
    """Return the JSON document at path, or None when it is missing or half-written."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
