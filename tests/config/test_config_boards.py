"""The `boards:` setting: a list of line boards from the config file or the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import ConfigError, load


def test_boards_come_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "callbox.yml"
    config.write_text(
        "boards:\n"
        "  - name: sim\n    type: sim\n    ports: 2\n    numbers: ['100', '101']\n"
        "  - {name: mobile1, type: gsm, device: /dev/ttyUSB2}\n"
    )
    settings = load(config, env={"CALLBOX_PATHS__VAR": str(tmp_path)})
    assert settings.boards == [
        {"name": "sim", "type": "sim", "ports": 2, "numbers": ["100", "101"]},
        {"name": "mobile1", "type": "gsm", "device": "/dev/ttyUSB2"},
    ]


def test_no_boards_by_default_and_from_the_environment_as_yaml(tmp_path: Path) -> None:
    env = {"CALLBOX_PATHS__VAR": str(tmp_path)}
    assert load(tmp_path / "absent.yml", env=env).boards == []
    env["CALLBOX_BOARDS"] = '[{"name": "sim", "type": "sim"}]'
    assert load(tmp_path / "absent.yml", env=env).boards == [{"name": "sim", "type": "sim"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("boards: sim\n", "must be a list of boards"),
        ("boards: [sim, gsm]\n", "must be a list of boards"),
        ("boards: {name: sim}\n", "must be a list of boards"),
    ],
)
def test_a_malformed_boards_setting_is_refused(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "callbox.yml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load(config, env={"CALLBOX_PATHS__VAR": str(tmp_path)})


def test_bad_yaml_in_the_environment_is_refused(tmp_path: Path) -> None:
    env = {"CALLBOX_PATHS__VAR": str(tmp_path), "CALLBOX_BOARDS": "[{name: sim"}
    with pytest.raises(ConfigError, match="'boards' is not valid YAML"):
        load(tmp_path / "absent.yml", env=env)
