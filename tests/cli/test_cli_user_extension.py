"""`callbox user-extension`: link a web user to the agent phone they work at."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

Runner = Callable[..., subprocess.CompletedProcess[str]]


def extension_of(var_dir: Path, username: str) -> str:
    """Return the user's extension as stored."""
    database = next(var_dir.rglob("callbox.db"))
    with contextlib.closing(sqlite3.connect(database)) as conn:
        row = conn.execute("SELECT extension FROM user WHERE username = ?", (username,))
        return str(row.fetchone()[0])


def test_link_unlink_and_clear_errors(callbox: Runner, var_dir: Path) -> None:
    assert callbox("init", "--demo").returncode == 0
    linked = callbox("user-extension", "admin", "1001")
    assert (linked.returncode, linked.stdout.strip()) == (0, "admin works at 1001")
    assert extension_of(var_dir, "admin") == "1001"
    assert callbox("user-extension", "admin", "-").stdout.strip() == "admin has no extension"
    assert extension_of(var_dir, "admin") == ""
    unknown = callbox("user-extension", "admin", "4242")
    assert unknown.returncode == 2 and "no agent with extension '4242'" in unknown.stderr
    nobody = callbox("user-extension", "ghost", "1001")
    assert nobody.returncode == 2 and "no web user 'ghost'" in nobody.stderr
