"""The board monitor: live health on a timer, and a rescan when a device comes or goes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from board_support import gsm_config, wait_for
from modem_sim import EC25, SIM7600, ModemSimulator

from appliance.boards.hotplug import KNOWN_FILE, Rescan, start_boards
from appliance.boards.monitor import BoardMonitor
from appliance.config import Settings, load

pytestmark = pytest.mark.timeout(30)
RULES = Path(__file__).parents[2] / "appliance/boards/udev/90-callbox-boards.rules"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings on a temporary state folder, with no local hooks."""
    env = {"CALLBOX_PATHS__VAR": str(tmp_path / "var"), "CALLBOX_HOOKS__LOCAL": str(tmp_path)}
    return load(tmp_path / "absent.yml", env=env)


def ports(settings: Settings) -> dict[str, list[str]]:
    """Return each port's problems from <run>/boards.json."""
    data = json.loads((settings.run_dir / "boards.json").read_text())
    return {p["port"]: p["problems"] for b in data["boards"] for p in b["ports"]}


def test_polls_on_a_timer_and_rewrites_the_status_when_it_changes(
    settings: Settings, tmp_path: Path
) -> None:
    """A SIM pulled out shows in boards.json within a poll or two; put back, it clears."""
    sim = ModemSimulator(EC25)
    configs = [{"name": "mobile", "type": "gsm", **gsm_config(sim, tmp_path)}]
    registry = start_boards(settings, configs)
    monitor = BoardMonitor(settings, registry, configs, 0.2, lambda changed: None)
    monitor.start()
    try:
        assert ports(settings) == {"mobile/1": []}
        sim.state.sim = "missing"
        wait_for(lambda: ports(settings) == {"mobile/1": ["sim_missing"]}, 3)
        written = (settings.run_dir / "boards.json").stat().st_mtime_ns
        polls = monitor.polls
        wait_for(lambda: monitor.polls >= polls + 2, 3)
        assert (settings.run_dir / "boards.json").stat().st_mtime_ns == written  # unchanged
        sim.state.sim = "READY"
        wait_for(lambda: ports(settings) == {"mobile/1": []}, 3)
    finally:
        monitor.stop()
        registry.close()
        sim.close()


def test_rescan_opens_a_module_plugged_in_and_closes_one_unplugged(
    settings: Settings, tmp_path: Path
) -> None:
    """A configured module absent at start comes up on a rescan (announced once), and
    goes when its device does; a poke with no timer polls at once."""
    link = tmp_path / "ttyGSM"
    plugged = ModemSimulator(SIM7600)
    configs = [
        {"name": "late", "type": "gsm", **gsm_config(plugged, tmp_path), "device": str(link)}
    ]
    registry = start_boards(settings, configs)
    seen: list[Rescan] = []
    monitor = BoardMonitor(settings, registry, configs, 0, seen.append)  # no timer
    monitor.start()
    try:
        assert registry.status["late"].state.value == "unavailable"
        polls = monitor.polls
        monitor.poke()
        wait_for(lambda: monitor.polls == polls + 1, 3)
        link.symlink_to(plugged.path)
        changed = monitor.rescan().result(10)
        assert [b.name for b in changed.added] == ["late"] and not changed.removed
        assert seen == [changed] and ports(settings) == {"late/1": []}
        known = json.loads((settings.var / KNOWN_FILE).read_text())
        assert known == ["late"]
        assert not monitor.rescan().result(10).added  # nothing new
        # unplugged and plugged back before the rescan: the same path, a new module
        plugged.close()
        wait_for(lambda: not registry.boards["late"].present(), 3)  # lost under the driver
        monitor.poke()  # as the engine does on the device_lost alarm
        wait_for(lambda: ports(settings) == {"late/1": ["device_lost"]}, 3)
        again = ModemSimulator(SIM7600)
        link.unlink()
        link.symlink_to(again.path)
        changed = monitor.rescan().result(10)
        assert [b.name for b in changed.removed] == [b.name for b in changed.added] == ["late"]
        assert changed.added[0] is registry.boards["late"] and ports(settings) == {"late/1": []}
        again.close()
        link.unlink()
        changed = monitor.rescan().result(10)
        assert [b.name for b in changed.removed] == ["late"]
        assert registry.status["late"].state.value == "unavailable"
        assert "removed" in registry.status["late"].detail and registry.boards == {}
    finally:
        monitor.stop()
        registry.close()
    with pytest.raises(RuntimeError, match="stopped"):
        monitor.rescan()


def test_hotplug_command_refuses_a_bad_action(tmp_path: Path) -> None:
    """`callbox boards hotplug` with an unknown action fails, saying what it takes."""
    from click.testing import CliRunner

    from appliance.boards.commands import boards

    result = CliRunner().invoke(boards, ["hotplug", "--action", "bind", "--devname", "/dev/x"])
    assert result.exit_code != 0 and "must be add, remove or change" in result.output
    result = CliRunner().invoke(boards, ["hotplug"], env={"ACTION": ""})
    assert result.exit_code != 0


def test_udev_rules_parse() -> None:
    """Every rule is KEY[{attr}]OP"value" pairs udev knows; RUN is absolute and passes
    only the event's ACTION, DEVNAME and ID_VENDOR_ID; udevadm verify agrees if it has it."""
    pair = re.compile(r'\s*([A-Z_]+)(\{[A-Za-z_]+\})?(==|!=|\+=|=|:=)"([^"]*)"\s*(,|$)')
    rules = [r for r in RULES.read_text().splitlines() if r.strip() and not r.startswith("#")]
    assert len(rules) == 2
    for rule in rules:
        pos, keys = 0, []
        while pos < len(rule):
            match = pair.match(rule, pos)
            assert match, f"unparsable at {rule[pos:]!r}"
            keys.append(match.group(1))
            pos = match.end()
            if match.group(1) == "RUN":
                run = match.group(4)
                assert run.startswith("/usr/local/bin/callbox boards hotplug --action $env{ACTION}")
                assert set(re.findall(r"\$env\{(\w+)\}", run)) <= {
                    "ACTION",
                    "DEVNAME",
                    "ID_VENDOR_ID",
                }
        assert set(keys) <= {"ACTION", "SUBSYSTEM", "ENV", "KERNEL", "RUN"} and "RUN" in keys
    assert "2c7c" in rules[0] and "1e0e" in rules[0] and "12d1" in rules[0]
    udevadm = shutil.which("udevadm")
    if (
        udevadm
        and "verify" in subprocess.run([udevadm, "--help"], capture_output=True, text=True).stdout
    ):
        done = subprocess.run([udevadm, "verify", str(RULES)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
