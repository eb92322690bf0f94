"""The image's small parts, in the normal suite (no QEMU): the boot-time address script, the
boot report's parser, and build.sh refusing bad options before it does anything."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from image_vm import REPORT, BootReport

from appliance.config import load

IMAGES = Path(__file__).resolve().parents[2] / "images"
ADDRESS_SCRIPT = IMAGES / "files" / "callbox-address"


def run_address(config: Path) -> subprocess.CompletedProcess[str]:
    """Run callbox-address against config (as the box's unit would, with its CALLBOX_CONFIG)."""
    env = dict(os.environ, CALLBOX_CONFIG=str(config), CALLBOX_IMAGE_ADDRESS_WAIT="0")
    return subprocess.run(
        [str(ADDRESS_SCRIPT)], env=env, capture_output=True, text=True, timeout=30, check=True
    )


def host_address() -> str:
    """Return this host's address on its default route, as `ip` gives it."""
    out = subprocess.run(
        ["ip", "-4", "route", "get", "192.0.2.1"], capture_output=True, text=True, check=True
    ).stdout
    words = out.split()
    return words[words.index("src") + 1]


def test_the_boot_address_goes_into_the_settings(tmp_path: Path) -> None:
    """The default route's address becomes the engine's, Kamailio's and the SIP domain."""
    config = tmp_path / "callbox.yml"
    config.write_text("sip: {port: 5060}\nengine: {trunk_port: 5070}\n")
    result = run_address(config)
    address = host_address()
    assert address in result.stdout
    settings = load(config_file=config, env={})
    assert settings.engine.listen == address
    assert settings.engine.trunk_listen == address
    assert settings.engine.public_address == address
    assert (settings.sip.listen, settings.sip.domain) == (address, address)
    assert settings.engine.trunk_port == 5070  # the rest of callbox.yml still counts


def test_an_address_fixed_in_callbox_yml_wins(tmp_path: Path) -> None:
    """engine.public_address in callbox.yml: the boot file is removed, nothing overrides it."""
    config = tmp_path / "callbox.yml"
    config.write_text("engine:\n  listen: 192.0.2.10\n  public_address: 192.0.2.10\n")
    stale = tmp_path / "conf.d" / "10-boot-address.yml"
    stale.parent.mkdir()
    stale.write_text("engine: {listen: 198.51.100.7, public_address: 198.51.100.7}\n")
    result = run_address(config)
    assert "left as it is" in result.stdout
    assert not stale.exists()
    assert load(config_file=config, env={}).engine.public_address == "192.0.2.10"


def test_the_boot_report_is_read_from_console_lines() -> None:
    """The report's lines, as the console shows them (kernel time, unit prefix), parse."""
    console = [
        "[  131.94] callbox-boot-report[322]: callbox-boot: waiting 60s: callbox-web.service",
        "callbox login: [  131.95] callbox-boot-report[322]: callbox-boot: state degraded",
        "[  133.05] callbox-boot-report[322]: callbox-boot: failed ssh.service",
        "[  133.10] callbox-boot-report[322]: callbox-boot: unit Id=callbox-web.service "
        "ActiveState=active SubState=running Type=notify Result=success UnitFileState=enabled",
        "[  136.10] callbox-boot-report[356]: callbox-boot: address enp0s2 10.0.2.15/24",
        "[  150.02] callbox-boot-report[322]: callbox-boot: validate failed",
        "[  150.03] callbox-boot-report[322]: callbox-boot: validate| fatal: [localhost]: FAILED!",
        "[  150.17] callbox-boot-report[322]: callbox-boot: end",
    ]
    lines = [m.group(1) for m in map(REPORT.search, console) if m]
    report = BootReport.parse(lines)
    assert report.state == "degraded"
    assert report.failed == ["ssh.service"]
    assert report.units["callbox-web.service"]["SubState"] == "running"
    assert report.addresses == ["10.0.2.15"]
    assert report.validate == ["failed", "fatal: [localhost]: FAILED!"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "lots"], "--size lots: give a number with K, M, G or T"),
        (["--reseller-key", "/nonexistent/reseller.pub"], "no such file"),
        (["--frobnicate"], "unknown option --frobnicate"),
    ],
)
def test_build_refuses_bad_options_before_building(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """A bad option is one clear line and exit 1, before any root or cache is touched."""
    result = subprocess.run(
        [str(IMAGES / "build.sh"), "--out", str(tmp_path / "out"), *args],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_refuses_a_key_that_is_not_a_public_key(tmp_path: Path) -> None:
    """A private key (or anything else) given as the reseller's public key is refused."""
    key = tmp_path / "reseller.key"
    key.write_text(
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"
    )
    result = subprocess.run(
        [str(IMAGES / "build.sh"), "--out", str(tmp_path / "out"), "--reseller-key", str(key)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert "is not a PEM public key" in result.stderr


def test_the_image_variables_are_not_settings(tmp_path: Path) -> None:
    """CALLBOX_IMAGE_* (make image-test's knobs) and CALLBOX_BUILD_CACHE (the build cache
    of tools/pjsua2 and images/) are not read as unknown settings."""
    env = {
        "CALLBOX_IMAGE_KVM": "1",
        "CALLBOX_BUILD_CACHE": str(tmp_path),
        "CALLBOX_IMAGE_DIR": str(tmp_path),
        "CALLBOX_WEB__PORT": "8443",
    }
    assert load(config_file=tmp_path / "missing.yml", env=env).web.port == 8443
