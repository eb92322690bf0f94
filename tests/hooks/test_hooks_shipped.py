"""The shipped hooks, run for real on a temporary box through `callbox`."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hook_box import Box


@pytest.fixture(scope="module")
def booted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the var folder of a box after its first boot (made once, copied per test)."""
    box = Box(tmp_path_factory.mktemp("first-boot"))
    out = box.ok("hooks", "run", "first-boot")
    assert [line.split()[0] for line in out.splitlines()] == [
        "10-init",
        "20-secrets",
        "30-setup-token",
        "60-zero-touch",  # nothing offered (no USB stick, no URL): it passes and does nothing
    ]
    return box.var


@pytest.fixture
def box(booted: Path, tmp_path: Path) -> Box:
    """Return a box of this test's own, as its first boot left it."""
    box = Box(tmp_path)
    shutil.copytree(booted, box.var, symlinks=True)
    return box


def _schema(database: Path) -> int:
    """Return the database's newest migration."""
    conn = sqlite3.connect(database)
    try:
        return int(conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])
    finally:
        conn.close()


def test_first_boot_makes_store_secrets_certificate_and_token(box: Box) -> None:
    assert _schema(box.var / "callbox.db") >= 24
    key, cert = box.var / "secret_key", box.var / "tls" / "web.crt"
    assert len(key.read_text().strip()) == 64 and key.stat().st_mode & 0o777 == 0o600
    assert cert.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert (box.var / "tls" / "web.key").stat().st_mode & 0o777 == 0o600
    log = box.log()
    assert "setup token: " in log and "/setup" in log
    assert (box.var / "log" / "hooks.log").stat().st_mode & 0o777 == 0o600
    before = key.read_text(), cert.read_text()
    again = box.ok("hooks", "run", "first-boot")  # a second boot keeps what the first made
    assert "30-setup-token (shipped) succeeded" in again
    assert (key.read_text(), cert.read_text()) == before


def test_first_boot_of_a_box_with_an_admin_issues_no_token(box: Box) -> None:
    conn = sqlite3.connect(box.var / "callbox.db")
    with conn:
        conn.execute(
            "INSERT INTO user (username, password_hash, role, language, created_at) "
            "VALUES ('boss', 'x', 'admin', 'en', 0)"
        )
    conn.close()
    box.ok("hooks", "run", "first-boot")
    assert "no setup token needed: the box has an admin" in box.log()


def test_a_failing_pre_backup_hook_stops_the_backup(box: Box) -> None:
    box.hook("pre-backup", "10-guard", "echo NAS not mounted; exit 1")
    done = box.run("backup", "create")
    assert done.returncode == 2
    assert "pre-backup hook" in done.stderr and "NAS not mounted" in done.stderr
    assert list((box.var / "backups").glob("callbox-*")) == []


def test_pre_backup_hooks_see_the_target_folder(box: Box, tmp_path: Path) -> None:
    box.hook("pre-backup", "10-where", f'echo "$CALLBOX_HOOK_BACKUP_DIR" > {tmp_path / "where"}')
    target = tmp_path / "nas"
    box.ok("backup", "create", "--to", str(target), "--no-recordings")
    assert (tmp_path / "where").read_text().strip() == str(target)
    assert len(list(target.glob("callbox-*.tar"))) == 1


def test_restore_runs_post_restore_hooks_and_reports_a_failure(box: Box, tmp_path: Path) -> None:
    archive = box.ok("backup", "create", "--to", str(tmp_path / "b")).split()[0]
    seen = tmp_path / "seen"
    box.hook("post-restore", "20-note", f'echo "$CALLBOX_HOOK_ARCHIVE" > {seen}')
    out = box.ok("backup", "restore", archive)
    assert "10-migrate (shipped) succeeded" in out and "20-note (local) succeeded" in out
    assert seen.read_text().strip() == archive
    assert "is up to date" in box.log()
    box.hook("post-restore", "30-crm", "echo CRM unreachable; exit 5")
    done = box.run("backup", "restore", archive)
    assert done.returncode == 1
    assert "FAILED 30-crm (local) failed with exit status 5" in done.stderr
    assert "restored, but a post-restore hook failed" in done.stderr
    assert "restored " in done.stdout


def test_pre_upgrade_backs_up_where_the_upgrade_asks(box: Box, tmp_path: Path) -> None:
    target = tmp_path / "upgrade-backup"
    box.ok("hooks", "run", "pre-upgrade", "--env", f"BACKUP_DIR={target}")
    archives = list(target.glob("callbox-*.tar"))
    assert len(archives) == 1
    assert "ok — " in box.ok("backup", "verify", str(archives[0]))


def test_post_upgrade_migrates_and_checks_health(box: Box) -> None:
    out = box.ok("hooks", "run", "post-upgrade", CALLBOX_HOOKS__HEALTH_CHECKS="store")
    assert "10-migrate (shipped) succeeded" in out and "50-health (shipped) succeeded" in out
    assert "ok store: answers" in box.log()
    (box.var / "callbox.db").write_bytes(b"not a database" * 100)
    done = box.run(
        "hooks", "run", "post-upgrade", CALLBOX_HOOKS__HEALTH_CHECKS="store",
        CALLBOX_HOOK_HEALTH_WAIT="1",
    )  # fmt: skip
    assert done.returncode == 1
    assert "FAILED 10-migrate" in done.stderr and "FAILED 50-health" in done.stderr
    assert "FAILED store" in box.log()


def test_health_refuses_an_unknown_check(box: Box) -> None:
    done = box.run("health", "--only", "store,pager")
    assert done.returncode == 2 and "no health check 'pager'" in done.stderr


def test_factory_reset_needs_confirmation_and_keeps_the_image(box: Box) -> None:
    config = box.root / "etc" / "callbox.yml"
    config.parent.mkdir()
    config.write_text("language: en\n")
    kept = box.hook("first-boot", "90-mine", "true")
    refused = box.run("factory-reset")
    assert refused.returncode == 2 and "--erase-all-data" in refused.stderr
    assert (box.var / "callbox.db").exists()
    out = box.ok("factory-reset", "--erase-all-data")
    assert "50-wipe-data (shipped) succeeded" in out and "next start is a first boot" in out
    assert not (box.var / "callbox.db").exists() and not (box.var / "secret_key").exists()
    assert sorted(p.name for p in box.var.iterdir()) == ["log"]  # only this reset's own log
    assert config.read_text() == "language: en\n" and kept.exists()
    box.ok("hooks", "run", "first-boot")  # and the box boots as new
    assert (box.var / "callbox.db").exists() and (box.var / "secret_key").exists()


def test_factory_reset_refuses_a_state_folder_holding_the_configuration(tmp_path: Path) -> None:
    box = Box(tmp_path, PATHS__VAR=str(tmp_path))  # var is the folder holding etc/ and local/
    box.ok("migrate")
    done = box.run("factory-reset", "--erase-all-data")
    assert done.returncode == 1
    assert "factory reset refused" in done.stderr and "which a reset keeps" in done.stderr
    assert (tmp_path / "callbox.db").exists()
