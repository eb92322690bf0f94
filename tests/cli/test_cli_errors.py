"""User errors end as one line on stderr with exit status 2, changing nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

Runner = Callable[..., subprocess.CompletedProcess[str]]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Assert exit status 2 and a single stderr line holding every fragment."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_migrate_on_a_newer_database(callbox: Runner, var_dir: Path) -> None:
    """Refuse a database from a newer callbox and leave it byte for byte."""
    assert callbox("migrate").returncode == 0
    path = var_dir / "callbox.db"
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'future', 0)")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = callbox("migrate")
    assert_one_line_error(result, "schema version 99", "newer callbox")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_migrate_on_a_corrupt_database(callbox: Runner, var_dir: Path) -> None:
    """Refuse a file that is not a database."""
    var_dir.mkdir()
    (var_dir / "callbox.db").write_bytes(b"\x00not sqlite" * 500)
    assert_one_line_error(callbox("migrate"), "not a usable callbox database", "restore")


def test_malformed_config_file(callbox: Runner, tmp_path: Path) -> None:
    """Name the malformed file on one line."""
    broken = tmp_path / "broken.yml"
    broken.write_text("web: {port: [8080\n")
    assert_one_line_error(
        callbox("--config", str(broken), "migrate"), str(broken), "not valid YAML"
    )


def test_unknown_setting(callbox: Runner, tmp_path: Path) -> None:
    """Name a misspelt key on one line."""
    config = tmp_path / "callbox.yml"
    config.write_text("engine:\n  trunkport: 5070\n")
    assert_one_line_error(callbox("--config", str(config), "init"), "engine.trunkport")


def test_missing_config_file(callbox: Runner, tmp_path: Path) -> None:
    """Refuse a --config that does not exist."""
    assert_one_line_error(callbox("--config", str(tmp_path / "nope.yml"), "migrate"), "not found")


def test_bad_port_in_environment(callbox: Runner) -> None:
    """Name the setting of an impossible port."""
    result = callbox("migrate", extra_env={"CALLBOX_WEB__PORT": "99999"})
    assert_one_line_error(result, "web.port", "between 1 and 65535")


def test_version(callbox: Runner) -> None:
    """Print the version."""
    result = callbox("version")
    assert result.returncode == 0
    assert result.stdout.startswith("callbox ")
