"""The rendered systemd units pass systemd-analyze, the ruleset passes nft -c, the settings load."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers_ansible import REPO_ROOT, render, write

from appliance.config import load
from appliance.sipedge import render as kamailio_config

SERVICES = ("kamailio", "engine", "web", "scheduler", "watchdog")


VARIANTS = {
    "defaults": {},
    "custom": {"callbox_lan_networks": ["192.168.7.0/24"], "callbox_sip_port": 5062,
               "callbox_web_port": 8443, "callbox_trunk_networks": ["203.0.113.0/24"],
               "callbox_rtp_port": 30000, "callbox_rtp_port_range": 100},
    "malformed": {"callbox_lan_networks": ["192.168.7.0/24", "not-a-network"]},
    "addressed": {"callbox_public_address": "192.168.5.5", "callbox_timezone": "Asia/Shanghai",
                  "callbox_settings": {"web": {"workers": 3}}},
}  # fmt: skip


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Render every variant in one playbook run, the prefix pointing at this checkout."""
    prefix = tmp_path_factory.mktemp("prefix")
    (prefix / "venv").symlink_to(REPO_ROOT / ".venv")
    (prefix / "src").symlink_to(REPO_ROOT)
    root = tmp_path_factory.mktemp("rendered")
    outputs = render(root / "rendered.json", *VARIANTS.values(), callbox_prefix=str(prefix))
    return {name: write(files, root / name) for name, files in zip(VARIANTS, outputs, strict=True)}


@pytest.fixture
def rendered(variants: dict[str, Path]) -> Path:
    """Return the folder rendered with the roles' defaults."""
    return variants["defaults"]


def unit(path: Path) -> configparser.ConfigParser:
    """Return a unit file parsed by section (repeated keys: the last one)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def test_every_unit_passes_systemd_analyze_verify(rendered: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze (package systemd) is missing"
    services = sorted(str(p) for p in rendered.glob("callbox*.service"))
    units = [*services, str(rendered / "callbox.target"), str(rendered / "callbox-backup.timer")]
    assert len(units) == len(SERVICES) + 4
    done = subprocess.run([analyze, "verify", *units], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    # verify only warns about unknown keys or missing binaries: any line is a fault.
    assert [line for line in done.stderr.splitlines() if "callbox" in line] == []


def test_services_notify_restart_and_are_rate_limited(rendered: Path) -> None:
    for name in SERVICES:
        parsed = unit(rendered / f"callbox-{name}.service")
        service = parsed["Service"]
        assert service["Restart"] == "on-failure" and int(service["RestartSec"]) > 0
        assert int(parsed["Unit"]["StartLimitBurst"]) > 0
        assert parsed["Unit"]["PartOf"] == "callbox.target"
        assert service["Environment"].startswith("CALLBOX_CONFIG=/etc/callbox/callbox.yml")
    services = {n: unit(rendered / f"callbox-{n}.service")["Service"] for n in SERVICES}
    notify = {n for n, service in services.items() if service["Type"] == "notify"}
    assert notify == {"engine", "web", "scheduler", "watchdog"}  # the ones that send READY=1
    watched = {n for n, service in services.items() if "WatchdogSec" in service}
    assert watched == {"engine", "scheduler", "watchdog"}  # the ones that send WATCHDOG=1
    assert services["kamailio"]["ExecStart"].endswith("bin/callbox sip-edge")
    # kamailio -c, run by sip-edge as the callbox user, needs a /run/kamailio it owns
    assert services["kamailio"]["RuntimeDirectory"] == "kamailio"
    assert unit(rendered / "callbox-engine.service")["Service"]["User"] == "callbox"
    # /etc is read-only to the services but for the setup wizard's conf.d
    assert services["web"]["ProtectSystem"] == "full"
    assert services["web"]["ReadWritePaths"] == "/etc/callbox/conf.d"


def test_first_boot_runs_once(rendered: Path) -> None:
    parsed = unit(rendered / "callbox-first-boot.service")
    assert parsed["Unit"]["ConditionPathExists"] == "!/var/lib/callbox/.first-boot-done"
    assert parsed["Service"]["ExecStart"].endswith("callbox hooks run first-boot")
    assert parsed["Service"]["ExecStartPost"].startswith("/usr/bin/touch")  # the last one
    for name in SERVICES:
        after = unit(rendered / f"callbox-{name}.service")["Unit"]["After"]
        assert "callbox-first-boot.service" in after


def nft_check(path: Path) -> subprocess.CompletedProcess[str]:
    """Run `nft -c -f path` (checks against the kernel; changes nothing)."""
    nft = shutil.which("nft")
    assert nft, "nft (package nftables) is missing: make deps-test"
    return subprocess.run([nft, "-c", "-f", str(path)], capture_output=True, text=True,
                          timeout=30, check=False)  # fmt: skip


def test_the_default_ruleset_opens_sip_rtp_and_web_to_the_lan_only(rendered: Path) -> None:
    ruleset = rendered / "nftables.conf"
    done = nft_check(ruleset)
    assert done.returncode == 0, done.stderr
    text = ruleset.read_text()
    assert "policy drop;" in text
    lan = "{ 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 }"
    assert f"ip saddr {lan} meta l4proto {{ udp, tcp }} th dport 5060 accept" in text
    assert f"ip saddr {lan} udp dport 20000-27999 accept" in text
    assert f"ip saddr {lan} tcp dport 8080 accept" in text
    assert "ip6 saddr { fc00::/7 } tcp dport 8080 accept" in text
    opened = [line for line in text.splitlines() if "dport" in line and "saddr" not in line]
    assert opened == ['\t\tudp dport { 67, 68, 546 } accept comment "DHCP replies"']
    # the trunk port: to the LAN only (a carrier's gateway there), no outside network given
    trunk = [line.strip() for line in text.splitlines() if "dport 5070" in line]
    why = 'comment "SIP trunks on the LAN (a carrier\'s gateway)"'
    assert trunk == [
        f"ip saddr {lan} udp dport 5070 accept {why}",
        f"ip6 saddr {{ fc00::/7 }} udp dport 5070 accept {why}",
    ]


def test_trunk_networks_and_ports_come_from_the_variables(variants: dict[str, Path]) -> None:
    out = variants["custom"]
    done = nft_check(out / "nftables.conf")
    assert done.returncode == 0, done.stderr
    text = (out / "nftables.conf").read_text()
    assert "ip saddr { 192.168.7.0/24 } meta l4proto { udp, tcp } th dport 5062 accept" in text
    assert "ip saddr { 203.0.113.0/24 } udp dport 5070 accept" in text
    assert "ip saddr { 203.0.113.0/24 } udp dport 30000-30099 accept" in text
    assert "ip6" not in text.split("tcp dport 22")[1]  # no IPv6 LAN given: no IPv6 opening
    settings = load(config_file=out / "callbox.yml", env={})
    assert (settings.sip.port, settings.web.port, settings.engine.rtp_port) == (5062, 8443, 30000)


def test_a_malformed_network_is_refused_by_the_check(variants: dict[str, Path]) -> None:
    done = nft_check(variants["malformed"] / "nftables.conf")
    assert done.returncode != 0 and "not-a-network" in done.stderr


def test_settings_listen_on_the_lan_and_use_the_given_address(variants: dict[str, Path]) -> None:
    out = variants["addressed"]
    settings = load(config_file=out / "callbox.yml", env={})
    assert settings.web.listen == "0.0.0.0"
    assert settings.sip.listen == settings.engine.listen == "192.168.5.5"  # Kamailio: no wildcard
    assert settings.engine.public_address == "192.168.5.5"
    assert settings.sip.domain == "192.168.5.5"
    assert settings.paths.var == "/var/lib/callbox"
    assert settings.timezone == "Asia/Shanghai" and settings.web.workers == 3
    assert "192.168.5.5:5060" in kamailio_config.render(settings)  # Kamailio takes them


def test_without_an_address_the_engine_stays_on_loopback(rendered: Path) -> None:
    settings = load(config_file=rendered / "callbox.yml", env={})
    assert settings.engine.listen == settings.sip.listen == "127.0.0.1"  # no address known
    assert "127.0.0.1:5060" in kamailio_config.render(settings)
