"""One upgrade at a time: a second one is refused before it changes anything."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from appliance.config import load
from appliance.upgrade import bundle, manager
from appliance.upgrade.exceptions import UpgradeError


def test_a_second_upgrade_is_refused_while_one_runs(
    keys: tuple[Path, Path], tmp_path: Path
) -> None:
    tree = tmp_path / "tree"
    (tree / "bin").mkdir(parents=True)
    (tree / "bin" / "callbox").write_text("#!/bin/sh\n")
    (tree / "bin" / "callbox").chmod(0o755)
    path = bundle.build(tree, "2.0", tmp_path / "b.tar", keys[0])
    env = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_UPGRADE__PREFIX": str(tmp_path / "opt"),
        "CALLBOX_UPGRADE__KEYS": str(keys[1]),
    }
    settings = load(tmp_path / "absent.yml", env=env)
    (tmp_path / "opt").mkdir()
    with (tmp_path / "opt" / manager.LOCK_NAME).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        said: list[str] = []
        with pytest.raises(UpgradeError, match="another upgrade is running"):
            manager.upgrade(settings, path, said.append)
    assert not (tmp_path / "var").exists()  # no backup, nothing
    assert sorted(p.name for p in (tmp_path / "opt").iterdir()) == [manager.LOCK_NAME]
