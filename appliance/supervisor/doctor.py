"""`callbox doctor`: check the Debian packages, the ports and the database, one line each."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from appliance.config import Settings
from appliance.store.exceptions import DatabaseTooNew
from appliance.store.migrations import latest_version
from appliance.supervisor import ports
from appliance.supervisor.const import SUPERVISOR_STATE
from appliance.supervisor.statefile import read_json

PACKAGES = ("kamailio", "kamailio-sqlite-modules", "espeak-ng", "sox", "libsox-fmt-mp3")


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's report."""

    ok: bool
    text: str

    def line(self) -> str:
        """Return the finding as printed."""
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.text}"


def examine(settings: Settings) -> list[Finding]:
    """Return every finding: packages, then ports, then the database."""
    findings = [package_finding(name) for name in PACKAGES]
    findings += port_findings(settings)
    findings.append(database_finding(Path(settings.paths.database)))
    return findings


def package_finding(name: str) -> Finding:
    """Return whether the Debian package name is installed."""
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Status}\t${Version}", name],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return Finding(False, f"package {name}: dpkg-query not found (is this Debian?)")
    status, _, version = result.stdout.partition("\t")
    if result.returncode == 0 and status.endswith(" installed"):
        return Finding(True, f"package {name} {version}")
    return Finding(False, f"package {name} is not installed: run `apt-get install {name}`")


def port_findings(settings: Settings) -> list[Finding]:
    """Return one finding per needed port; ports held by the running callbox are fine."""
    ours = _running_callbox_groups(settings)
    findings = []
    for need in ports.needed_ports(settings):
        label = f"port {need.port}/{need.proto} ({need.setting})"
        if ports.is_free(need):
            findings.append(Finding(True, f"{label} is free"))
        elif _pgid(ports.owner_pid(need.port, need.proto)) in ours:
            findings.append(Finding(True, f"{label} is used by the running callbox"))
        else:
            owner = ports.describe_owner(need)
            text = (
                f"port {need.port}/{need.proto} is in use by {owner}: stop it or set {need.setting}"
            )
            findings.append(Finding(False, text))
    return findings


def database_finding(path: Path) -> Finding:
    """Return whether the database is readable and not newer than this callbox (read-only)."""
    if not path.exists():
        return Finding(True, f"database {path} does not exist yet: `callbox init` creates it")
    try:
        version = _schema_version(path)
    except sqlite3.DatabaseError as exc:
        return Finding(False, f"database {path} is not usable ({exc}): restore a backup")
    known = latest_version()
    if version > known:
        return Finding(False, f"database {path}: {DatabaseTooNew(version, known)}")
    if version < known:
        return Finding(True, f"database {path} at v{version}: `callbox migrate` upgrades it")
    return Finding(True, f"database {path} at schema v{version}")


def _schema_version(path: Path) -> int:
    """Return the newest applied migration, checking the file without changing it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (check,) = conn.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise sqlite3.DatabaseError(check)
        tables = conn.execute("SELECT name FROM sqlite_master WHERE name='schema_migrations'")
        if tables.fetchone() is None:
            return 0
        return int(conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0)
    finally:
        conn.close()


def _running_callbox_groups(settings: Settings) -> set[int]:
    """Return the process groups of the running supervisor's children (each leads one)."""
    state = read_json(Path(settings.paths.run) / SUPERVISOR_STATE) or {}
    children = state.get("children", {}) if isinstance(state, dict) else {}
    return {c["pid"] for c in children.values() if isinstance(c, dict) and c.get("pid")}


def _pgid(pid: int | None) -> int | None:
    """Return pid's process group, or None."""
    if pid is None:
        return None
    with contextlib.suppress(OSError):
        return os.getpgid(pid)
    return None
