"""The factory reset's wipe in-process: a running box refused, the image kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import Settings, load
from appliance.engine.control import ControlServer
from appliance.hooks import reset
from appliance.hooks.exceptions import HookError


def _settings(tmp_path: Path, **env: str) -> Settings:
    """Return settings with the recordings outside the state folder."""
    base = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_PATHS__RECORDINGS": str(tmp_path / "disk2" / "recordings"),
        "CALLBOX_HOOKS__LOCAL": str(tmp_path / "etc" / "hooks"),
        "CALLBOX_UPGRADE__PREFIX": str(tmp_path / "opt"),
    }
    return load(tmp_path / "etc" / "absent.yml", env={**base, **env})


def _fill(settings: Settings) -> list[Path]:
    """Write a file in every state folder and the database; return them."""
    made = [Path(settings.paths.database), Path(settings.paths.database + "-wal")]
    made += [folder / "x" for folder in settings.paths.folders()]
    for path in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("data")
    return made


def test_wipe_deletes_every_state_folder_even_outside_var(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    made = _fill(settings)
    (tmp_path / "opt" / "releases").mkdir(parents=True)
    removed = reset.wipe(settings)
    assert not any(path.exists() for path in made)
    assert settings.var in removed and Path(settings.paths.recordings) in removed
    assert (tmp_path / "opt" / "releases").is_dir()  # the image stays
    assert reset.wipe(settings) == []  # nothing left: a second reset is harmless


def test_wipe_refuses_a_running_box_and_deletes_nothing(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    made = _fill(settings)
    engine = ControlServer(settings.engine.control_socket, lambda cmd, args: {"pid": 1})
    engine.start()
    try:
        with pytest.raises(HookError, match="the box is running: stop it first"):
            reset.wipe(settings)
    finally:
        engine.stop()
    assert all(path.exists() for path in made)


@pytest.mark.parametrize("setting", ["PATHS__RECORDINGS", "PATHS__PROMPTS", "PATHS__VAR"])
def test_a_folder_holding_the_image_or_configuration_is_refused(
    tmp_path: Path, setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "image" / "callbox"  # stands for the running code: never the real one
    code.mkdir(parents=True)
    monkeypatch.setattr(reset, "CODE_ROOT", code)
    for folder in (tmp_path, tmp_path / "image", tmp_path / "opt", tmp_path / "etc"):
        settings = _settings(tmp_path, **{"CALLBOX_" + setting: str(folder)})
        made = _fill(settings)
        with pytest.raises(HookError, match=r"factory reset refused: .* which a reset keeps"):
            reset.wipe(settings)
        assert all(path.exists() for path in made)
    assert code.is_dir()
