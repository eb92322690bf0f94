"""`callbox upgrade` for real: releases made from this checkout, run by the old release.

The box starts on release 0.1.0 made from this source tree; the test's 9.9.9 is the
same tree with a new migration (a table, and a changed row) and, for the failing
cases, a post-upgrade hook that says the box is unhealthy.  The services' stop and
start commands are scripts that write down which release was current.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from hook_box import REPO_ROOT, Box

from appliance import __version__
from appliance.upgrade import bundle, release_tree
from appliance.upgrade.releases import Releases

Keys = tuple[Path, Path]
PARTS = ("appliance", "firmware_hooks")  # the commands an upgrade runs need no web/
PROBE_MIGRATION = '''"""The test release's own migration."""

def up(database):
    """Add a table and change a row, as a real release's migration would."""
    database.execute_sql('CREATE TABLE "upgrade_probe" ("id" INTEGER PRIMARY KEY)')
    database.execute_sql("UPDATE setup_state SET token_hash = 'changed-by-9.9.9'")
'''


def _tree(root: Path, version: str, post_hook: str = "") -> Path:
    """Return a release tree of this checkout as version, with the test's changes."""
    tree = release_tree.from_source(REPO_ROOT, root / f"tree-{version}", version, PARTS)
    if version != __version__:
        (tree / "appliance/store/migrations/m0999_upgrade_probe.py").write_text(PROBE_MIGRATION)
    if post_hook:
        hook = tree / "firmware_hooks/post-upgrade.d/60-probe"
        hook.write_text(f"#!/bin/sh\n{post_hook}\n")
        hook.chmod(0o755)
    return tree


@pytest.fixture(scope="module")
def old_bundle(keys: Keys, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a signed bundle of this checkout as the running release."""
    root = tmp_path_factory.mktemp("old")
    return bundle.build(_tree(root, __version__), __version__, root / "old.tar", keys[0])


def _db(box: Box) -> sqlite3.Connection:
    """Open the box's database."""
    return sqlite3.connect(box.var / "callbox.db")


def _state(box: Box) -> tuple[int, str, bool]:
    """Return (schema version, setup token hash, probe table exists)."""
    conn = _db(box)
    try:
        version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        token = conn.execute("SELECT token_hash FROM setup_state").fetchone()[0]
        probe = conn.execute("SELECT 1 FROM sqlite_master WHERE name='upgrade_probe'").fetchone()
        return int(version), str(token), probe is not None
    finally:
        conn.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a var folder with a migrated database and a setup token (made once)."""
    template = Box(tmp_path_factory.mktemp("data"))
    template.ok("migrate")
    template.ok("setup-token")  # data the rollback must bring back
    return template.var


@pytest.fixture
def box(keys: Keys, old_bundle: Path, data: Path, tmp_path: Path) -> Box:
    """Return a box with data, running release 0.1.0 installed under its prefix."""
    prefix, trail = tmp_path / "opt", tmp_path / "trail"
    service = tmp_path / "service"
    service.write_text(f'#!/bin/sh\necho "$1 $(readlink {prefix}/current)" >> {trail}\n')
    service.chmod(0o755)
    box = Box(
        tmp_path,
        UPGRADE__PREFIX=str(prefix),
        UPGRADE__KEYS=str(keys[1]),
        UPGRADE__HEALTH_DEADLINE_SECONDS="20",
        UPGRADE__STOP_COMMAND=f"{service} stop",
        UPGRADE__START_COMMAND=f"{service} start",
        HOOKS__HEALTH_CHECKS="store",
    )
    box.env["CALLBOX_PYTHON"] = sys.executable  # the old release's interpreter, as the image's
    shutil.copytree(data, box.var)
    releases = Releases(prefix)
    releases.install(old_bundle, bundle.verify(old_bundle, keys[1])[0])
    releases.switch(__version__)
    box.command = [str(prefix / "current" / "bin" / "callbox")]  # the old release upgrades
    assert box.ok("version").strip() == f"callbox {__version__}"
    return box


def _new(box: Box, keys: Keys, post_hook: str = "", version: str = "9.9.9") -> Path:
    """Return a signed bundle of the test's new release."""
    tree = _tree(box.root, version, post_hook)
    return bundle.build(tree, version, box.root / f"{version}.tar", keys[0])


def _trail(box: Box) -> list[str]:
    """Return what the stop and start commands saw, one 'action release' each."""
    path = box.root / "trail"
    return path.read_text().splitlines() if path.exists() else []


def test_a_healthy_upgrade_stays_upgraded(box: Box, keys: Keys) -> None:
    before = _state(box)
    out = box.ok("upgrade", str(_new(box, keys)))
    assert "upgraded to callbox 9.9.9" in out
    assert "10-migrate (shipped) succeeded" in out and "50-health (shipped) succeeded" in out
    assert box.ok("version").strip() == "callbox 9.9.9"
    assert _state(box) == (999, "changed-by-9.9.9", True)
    assert _trail(box) == ["stop releases/0.1.0", "start releases/9.9.9"]
    assert Releases(box.root / "opt").installed() == ["0.1.0", "9.9.9"]
    backups = list((box.var / "backups" / "upgrade").glob("*-0.1.0-to-9.9.9/callbox-*.tar"))
    assert len(backups) == 1 and before[0] < 999


def test_a_failing_post_upgrade_check_rolls_back_code_and_data(box: Box, keys: Keys) -> None:
    before = _state(box)
    failing = _new(box, keys, post_hook="echo calls fail after upgrade; exit 1")
    done = box.run("upgrade", str(failing))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "upgrade to 9.9.9 failed and was rolled back to 0.1.0" in done.stderr
    assert "the new release's post-upgrade hooks failed (exit 1): FAILED 60-probe" in done.stderr
    assert "calls fail after upgrade" in done.stderr
    assert box.ok("version").strip() == f"callbox {__version__}"
    assert _state(box) == before  # schema, the changed row and the new table: all undone
    assert _trail(box) == [
        "stop releases/0.1.0",
        "start releases/9.9.9",
        "stop releases/9.9.9",
        "start releases/0.1.0",
    ]
    box.ok("migrate")  # the old release works on the restored database
    conn = _db(box)
    try:
        alert = conn.execute(
            "SELECT kind, severity, params, detail, cleared_at FROM alert WHERE key = ?",
            ("upgrade.rollback",),
        ).fetchone()
    finally:
        conn.close()
    assert alert[:2] == ("upgrade_rolled_back", "critical") and alert[4] is None
    assert '"to": "9.9.9"' in alert[2] and '"complete": true' in alert[2]
    assert "60-probe" in alert[3]


def test_a_hanging_check_is_cut_at_the_deadline_and_a_bad_rollback_said(
    box: Box, keys: Keys
) -> None:
    before = _state(box)
    box.env["CALLBOX_UPGRADE__HEALTH_DEADLINE_SECONDS"] = "3"
    service = box.root / "service"  # the old release's services no longer start
    service.write_text(service.read_text() + '[ "$1 $(readlink ' + str(box.root / "opt")
                       + '/current)" = "start releases/0.1.0" ] && exit 1\nexit 0\n')  # fmt: skip
    done = box.run("upgrade", str(_new(box, keys, post_hook="sleep 60")))
    assert done.returncode == 2
    # cut either by the hook's own timeout or by the whole run's: the deadline either way
    assert "the new release's post-upgrade hooks failed (" in done.stderr
    assert "timed out after" in done.stderr
    assert "the rollback is INCOMPLETE: start failed (exit 1)" in done.stderr
    assert "0.1.0 is current again, the database is restored" in done.stderr
    # what could be undone was: the old release is current, the database is the old one
    assert _state(box) == before and box.ok("version").strip() == f"callbox {__version__}"


def test_a_bad_signature_is_refused_before_anything_changes(
    box: Box, keys: Keys, tmp_path: Path
) -> None:
    before = _state(box)
    stranger = tmp_path / "stranger"
    box.ok("bundle", "keygen", str(stranger))
    forged = bundle.build(_tree(tmp_path, "9.9.9"), "9.9.9", tmp_path / "forged.tar", stranger)
    done = box.run("upgrade", str(forged))
    assert done.returncode == 2
    assert "bundle refused, nothing changed: its signature is not from a key trusted" in done.stderr
    assert _state(box) == before and _trail(box) == []
    assert Releases(box.root / "opt").installed() == ["0.1.0"]
    assert not (box.var / "backups" / "upgrade").exists()
    assert box.ok("version").strip() == f"callbox {__version__}"


def test_a_failing_pre_upgrade_hook_stops_it_and_the_same_version_is_refused(
    box: Box, keys: Keys
) -> None:
    before = _state(box)
    box.hook("pre-upgrade", "05-window", "echo not during office hours; exit 1")
    done = box.run("upgrade", str(_new(box, keys)))
    assert done.returncode == 2 and "not during office hours" in done.stderr
    assert _state(box) == before and _trail(box) == []
    shutil.rmtree(box.local)
    again = box.run("upgrade", str(_same(box, keys)))
    assert again.returncode == 2 and "0.1.0 is already the current release" in again.stderr


def _same(box: Box, keys: Keys) -> Path:
    """Return a signed bundle of the running version."""
    tree = _tree(box.root / "same", __version__)
    return bundle.build(tree, __version__, box.root / "same.tar", keys[0])


def test_bundle_build_from_source_and_verify_on_the_command_line(
    box: Box, keys: Keys, tmp_path: Path
) -> None:
    out = tmp_path / "cli.tar"
    built = box.ok("bundle", "build", str(out), "--version", "1.2.3", "--from-source",
                   str(REPO_ROOT))  # fmt: skip
    assert "not signed yet" in built
    refused = box.run("bundle", "verify", str(out))
    assert refused.returncode == 2 and "the bundle is not signed" in refused.stderr
    box.ok("bundle", "sign", str(out), "--key", str(keys[0]))
    checked = box.ok("bundle", "verify", str(out))
    assert "ok — callbox 1.2.3" in checked and "signed by release-key.pub" in checked
