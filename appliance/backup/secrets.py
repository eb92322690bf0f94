"""The backup secrets file: SFTP passwords and archive passphrases, never in the store.

`<var>/backup/secrets.json`, mode 0600 in a 0700 folder, written atomically (temp,
fsync, rename).  It is kept out of every archive: an archive's passphrase inside the
archive would protect nothing, and the store (which is archived) holds no secret.
Layout: ``{"targets": {"<id>": {"password": ...}}, "schedules": {"<id>": {"passphrase": ...}}}``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from appliance.backup.exceptions import BackupError
from appliance.config import Settings


def path_of(settings: Settings) -> Path:
    """Return the secrets file's path."""
    return settings.var / "backup" / "secrets.json"


def _load(settings: Settings) -> dict[str, Any]:
    """Return the whole file (empty when it does not exist)."""
    path = path_of(settings)
    if not path.exists():
        return {"targets": {}, "schedules": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"the backup secrets file {path} is not readable: {exc}") from None
    return {"targets": dict(data.get("targets") or {}),
            "schedules": dict(data.get("schedules") or {})}  # fmt: skip


def get(settings: Settings, section: str, object_id: int) -> dict[str, str]:
    """Return the secrets of a target or schedule (section: targets | schedules)."""
    return {k: str(v) for k, v in _load(settings)[section].get(str(object_id), {}).items()}


def put(settings: Settings, section: str, object_id: int, values: dict[str, str]) -> None:
    """Set secrets of a target or schedule (an empty value removes that secret)."""
    data = _load(settings)
    entry = dict(data[section].get(str(object_id), {}))
    for key, value in values.items():
        if value:
            entry[key] = value
        else:
            entry.pop(key, None)
    data[section][str(object_id)] = entry
    _write(path_of(settings), data)


def forget(settings: Settings, section: str, object_id: int) -> None:
    """Remove every secret of a deleted target or schedule."""
    data = _load(settings)
    if data[section].pop(str(object_id), None) is not None:
        _write(path_of(settings), data)


def _write(path: Path, data: dict[str, Any]) -> None:
    """Write the file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    fd, tmp = tempfile.mkstemp(prefix=".secrets.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)
            json.dump(data, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
