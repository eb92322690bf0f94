"""Settings: defaults, layering (file ⊕ conf.d ⊕ env), and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import ConfigError, load


def write(path: Path, text: str) -> Path:
    """Write text to path (folders created) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_fill_in_derived_paths(tmp_path: Path) -> None:
    """Return the defaults with every path made absolute under paths.var."""
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "v")})
    assert settings.web.port == 8080
    assert settings.sip.port == 5060
    assert settings.engine.trunk_port == 5070
    assert settings.supervisor.restart_budget == 10
    assert settings.paths.database == str(tmp_path / "v" / "callbox.db")
    assert settings.paths.run == str(tmp_path / "v" / "run")
    assert settings.engine.control_socket == str(tmp_path / "v" / "run" / "engine.sock")
    assert settings.engine.public_address == settings.engine.listen


def test_relative_var_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve a relative paths.var against the working directory."""
    monkeypatch.chdir(tmp_path)
    settings = load(tmp_path / "absent.yml", env={})
    assert settings.paths.var == str(tmp_path / "var")


def test_file_then_confd_then_env(tmp_path: Path) -> None:
    """Let conf.d override the main file, later conf.d files the earlier, and env all."""
    main = write(tmp_path / "callbox.yml", "web: {port: 8001, workers: 3}\nsip: {port: 5001}\n")
    write(tmp_path / "conf.d" / "10-a.yml", "web: {port: 8002}\nengine: {port: 5002}\n")
    write(tmp_path / "conf.d" / "20-b.yml", "web: {port: 8003}\n")
    settings = load(main, env={"CALLBOX_SIP__PORT": "5009"})
    assert settings.web.port == 8003  # 20-b wins over 10-a and the main file
    assert settings.web.workers == 3  # untouched keys of a section survive
    assert settings.engine.port == 5002
    assert settings.sip.port == 5009  # env wins over the file
    assert settings.engine.trunk_port == 5070  # default


def test_config_file_from_environment(tmp_path: Path) -> None:
    """Read the main file named by CALLBOX_CONFIG."""
    main = write(tmp_path / "etc" / "callbox.yml", "language: zh\n")
    assert load(env={"CALLBOX_CONFIG": str(main)}).language == "zh"


def test_unknown_key_names_the_dotted_key(tmp_path: Path) -> None:
    """Refuse a misspelt key, naming it with its section."""
    main = write(tmp_path / "callbox.yml", "web:\n  prot: 8081\n")
    with pytest.raises(ConfigError, match=r"'web\.prot'"):
        load(main, env={})


def test_unknown_env_key_names_the_dotted_key(tmp_path: Path) -> None:
    """Refuse a misspelt environment override too."""
    with pytest.raises(ConfigError, match=r"'engine\.prot'"):
        load(tmp_path / "absent.yml", env={"CALLBOX_ENGINE__PROT": "1"})


def test_wrong_type_names_the_key(tmp_path: Path) -> None:
    """Refuse a value of the wrong type, naming the key and what it must be."""
    main = write(tmp_path / "callbox.yml", "engine: {port: five}\n")
    with pytest.raises(ConfigError, match=r"'engine\.port' must be a whole number"):
        load(main, env={})


def test_section_given_a_scalar(tmp_path: Path) -> None:
    """Refuse a scalar where a section belongs."""
    main = write(tmp_path / "callbox.yml", "web: 8080\n")
    with pytest.raises(ConfigError, match=r"'web' must be a section"):
        load(main, env={})


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    """Name the broken file, whether it is the main one or in conf.d."""
    main = write(tmp_path / "callbox.yml", "web: {port: 8001}\n")
    broken = write(tmp_path / "conf.d" / "50-broken.yml", "web: {port: [1\n")
    with pytest.raises(ConfigError, match=str(broken)):
        load(main, env={})


def test_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    """Refuse a file holding a list instead of settings."""
    main = write(tmp_path / "callbox.yml", "- web\n")
    with pytest.raises(ConfigError, match="mapping"):
        load(main, env={})


def test_env_list_and_bool_parsing(tmp_path: Path) -> None:
    """Parse comma-separated lists and yes/no booleans from the environment."""
    env = {
        "CALLBOX_SIP__PIKE_EXEMPT": "127.0.0.1, 10.0.0.5,",
        "CALLBOX_ENGINE__RECORD_CALLS": "no",
        "CALLBOX_DEMO": "yes",
        "CALLBOX_SUPERVISOR__RESTART_DELAY_SECONDS": "0.5",
    }
    settings = load(tmp_path / "absent.yml", env=env)
    assert settings.sip.pike_exempt == ["127.0.0.1", "10.0.0.5"]
    assert settings.engine.record_calls is False
    assert settings.demo is True
    assert settings.supervisor.restart_delay_seconds == 0.5


def test_bad_bool_names_the_key(tmp_path: Path) -> None:
    """Refuse a boolean that is neither yes nor no."""
    with pytest.raises(ConfigError, match=r"'engine\.record_calls' must be true or false"):
        load(tmp_path / "absent.yml", env={"CALLBOX_ENGINE__RECORD_CALLS": "maybe"})


@pytest.mark.parametrize(
    ("key", "env_name"),
    [("web.port", "CALLBOX_WEB__PORT"), ("sip.port", "CALLBOX_SIP__PORT")],
)
@pytest.mark.parametrize("value", ["0", "70000"])
def test_bad_port(tmp_path: Path, key: str, env_name: str, value: str) -> None:
    """Refuse a port outside 1–65535, naming the setting."""
    with pytest.raises(ConfigError, match=rf"'{key}' must be a port between 1 and 65535"):
        load(tmp_path / "absent.yml", env={env_name: value})


@pytest.mark.parametrize(
    ("key", "env_name", "value"),
    [
        ("pbx.park_seconds", "CALLBOX_PBX__PARK_SECONDS", "0"),
        ("pbx.park_ring_seconds", "CALLBOX_PBX__PARK_RING_SECONDS", "-5"),
        ("pbx.busy_callback_minutes", "CALLBOX_PBX__BUSY_CALLBACK_MINUTES", "0"),
    ],
)
def test_pbx_times_must_be_positive(tmp_path: Path, key: str, env_name: str, value: str) -> None:
    """Refuse a park time or callback lifetime of zero or less, naming the setting."""
    with pytest.raises(ConfigError, match=rf"'{key}' must be more than 0, got {value}"):
        load(tmp_path / "absent.yml", env={env_name: value})


def test_pbx_times_load_from_the_environment(tmp_path: Path) -> None:
    """Take the PBX times from CALLBOX_PBX__* (the e2e tests shorten the park time)."""
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PBX__PARK_SECONDS": "9"})
    assert (settings.pbx.park_seconds, settings.pbx.park_ring_seconds) == (9.0, 20)


def test_bool_is_not_a_port(tmp_path: Path) -> None:
    """Refuse `port: true` rather than reading it as 1."""
    main = write(tmp_path / "callbox.yml", "web: {port: true}\n")
    with pytest.raises(ConfigError, match=r"'web\.port'"):
        load(main, env={})


def test_overrides_win_over_environment(tmp_path: Path) -> None:
    """Apply explicit overrides last."""
    settings = load(
        tmp_path / "absent.yml", env={"CALLBOX_WEB__PORT": "1"}, overrides={"web": {"port": 2}}
    )
    assert settings.web.port == 2
