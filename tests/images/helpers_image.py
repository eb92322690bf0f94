"""Helpers of the boot test: the image's settings, a zero-touch USB stick for it, the booted box.

`make image-test` builds the image (images/build.sh, with a test reseller key baked in)
and runs these tests with CALLBOX_IMAGE_DIR (the build's out folder) and
CALLBOX_IMAGE_RESELLER_KEY (the private half of that key).  The box gets its carrier trunk
and IVR number the way a reseller's box does: a signed unit profile on a USB stick
labelled CALLBOX, applied by the first-boot hook (docs/provisioning.md).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from image_vm import BootReport, ImageVM

from appliance.config import Settings, load
from provisioning.profiles import signing

REPO_ROOT = Path(__file__).resolve().parents[2]
BOOT_TIMEOUT = float(os.environ.get("CALLBOX_IMAGE_BOOT_TIMEOUT", "900"))
# QEMU's user network: the host, as the guest sees it (forwarded packets come from it).
HOST_AS_SEEN_BY_GUEST = "10.0.2.2"
IVR_NUMBER = "100"

PROFILE = """\
# The boot test's unit profile (tests/images/conftest.py): an IP-peer carrier at the
# address QEMU's forwarded packets come from, and the IVR on number {number}.
version: 1
unit:
  serial: IMAGE-TEST-0001
  hostname: callbox-image-test
trunks:
  - name: carrier
    kind: peer
    host: {host}
    port: {port}
ivr_flows:
  - name: main
    graph:
      start: welcome
      language: en
      nodes:
        welcome: {{type: play, prompt: welcome, next: menu}}
        menu:
          type: menu
          prompt: main-menu
          timeout: 30
          retries: 1
          choices: {{"1": goodbye}}
          failed: goodbye
        goodbye: {{type: play, prompt: goodbye, next: hangup}}
        hangup: {{type: hangup}}
numbers:
  - number: "{number}"
    trunk: carrier
    target: ivr:main
"""


@dataclass
class BootedBox:
    """The running image: its report, its settings and the host ports that reach it."""

    vm: ImageVM
    report: BootReport
    settings: Settings
    web_port: int
    sip_port: int
    trunk_port: int
    caller_port: int  # the SIPp caller's own port: the profile's carrier trunk port
    boot_seconds: float


def required_path(variable: str) -> Path:
    """Return the path an environment variable names; fail with how to get it."""
    value = os.environ.get(variable, "")
    if not value or not Path(value).exists():
        pytest.fail(
            f"{variable} is not set to an existing path: run the boot test by `make image-test`"
        )
    return Path(value)


def image_settings(image: Path, work: Path) -> Settings:
    """Return the settings the image's callbox runs with: /etc/callbox read out of disk.img.

    debugfs reads the ext4 file system without mounting it; the box's units read the
    same files (CALLBOX_CONFIG defaults to /etc/callbox/callbox.yml, plus conf.d).
    """
    target = work / "image-etc"
    target.mkdir()
    subprocess.run(
        ["debugfs", "-R", f"rdump /etc/callbox {target}", str(image / "disk.img")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    config = target / "callbox" / "callbox.yml"
    assert config.is_file(), "the image has no /etc/callbox/callbox.yml"
    return load(config_file=config, env={})


def usb_stick(work: Path, private_key: Path, trunk_port: int) -> Path:
    """Return an ext4 image labelled CALLBOX holding the signed profile (mke2fs -d, no mount)."""
    top = work / "stick"
    top.mkdir()
    text = PROFILE.format(host=HOST_AS_SEEN_BY_GUEST, port=trunk_port, number=IVR_NUMBER)
    profile = top / "callbox-profile.yml"
    profile.write_text(text, encoding="utf-8")
    signing.signature_path(profile).write_text(signing.sign(text.encode(), private_key) + "\n")
    stick = work / "stick.img"
    subprocess.run(
        ["mke2fs", "-q", "-t", "ext4", "-L", "CALLBOX", "-d", str(top), str(stick), "8M"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return stick
