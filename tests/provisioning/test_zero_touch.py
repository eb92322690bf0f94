"""Zero-touch: a signed profile from a local HTTP server (and a labelled USB image) is applied;
a tampered or unsigned one is refused, and the exact error is raised as an alert."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database
from profile_server import serving
from profile_support import edited, example_text

from appliance.config import Settings
from appliance.health import alerts
from appliance.store.models import Agent, Alert, Queue
from provisioning.profiles import signing, zero_touch
from provisioning.profiles.exceptions import FetchError, SignatureError
from provisioning.profiles.validate import ProfileInvalid


@pytest.fixture
def reseller(tmp_path: Path, settings: Settings) -> Path:
    """Return the reseller's private key; the box trusts its public key."""
    private, public = tmp_path / "reseller.key", tmp_path / "reseller.pub"
    signing.generate_keys(private, public)
    settings.provisioning.public_key = str(public)
    settings.provisioning.usb_label = "CBX" + secrets.token_hex(4)  # no stick has it
    return private


@pytest.fixture
def offered(tmp_path: Path, settings: Settings) -> Iterator[Path]:
    """Serve a folder on loopback as the box's profile URL; return the folder."""
    folder = tmp_path / "www"
    folder.mkdir()
    with serving(folder) as base:
        settings.provisioning.profile_url = f"{base}/units/{zero_touch.PROFILE_NAME}"
        (folder / "units").mkdir()
        yield folder / "units"


def publish(folder: Path, text: str, key: Path) -> Path:
    """Write a profile and its signature into folder; return the profile's path."""
    profile = folder / zero_touch.PROFILE_NAME
    profile.write_text(text, encoding="utf-8")
    signing.signature_path(profile).write_text(signing.sign(text.encode(), key) + "\n")
    return profile


def the_alert() -> Alert | None:
    """Return the active zero-touch alert, if any."""
    return next((a for a in alerts.active() if a.key == zero_touch.ALERT_KEY), None)


def test_a_signed_profile_from_the_url_is_applied(
    settings: Settings, store: Database, reseller: Path, offered: Path
) -> None:
    """The box ends up as the profile says; running again changes nothing."""
    publish(offered, example_text(), reseller)
    result = zero_touch.run(settings, store)
    assert result is not None and not result.empty
    assert Agent.select().count() == 5 and Queue.get(Queue.name == "sales").strategy == "ring_all"
    assert the_alert() is None
    again = zero_touch.run(settings, store)
    assert again is not None and again.empty


def test_a_tampered_profile_is_refused_and_the_error_shown(
    settings: Settings, store: Database, reseller: Path, offered: Path
) -> None:
    """Changed after signing: nothing applied, a critical alert names the error; fixed: cleared."""
    profile = publish(offered, example_text(), reseller)
    profile.write_text(edited("strategy: ring_all", "strategy: round_robin"))
    with pytest.raises(SignatureError, match="does not match"):
        zero_touch.run(settings, store)
    assert Agent.select().count() == 0
    alert = the_alert()
    assert alert is not None and alert.severity == "critical"
    assert "signature does not match" in alert.params["error"]
    assert settings.provisioning.profile_url in alert.detail
    publish(offered, example_text(), reseller)
    zero_touch.run(settings, store)
    assert the_alert() is None


def test_an_unsigned_profile_is_refused(
    settings: Settings, store: Database, reseller: Path, offered: Path
) -> None:
    """No .sig next to the profile: the download error is the alert; nothing applied."""
    (offered / zero_touch.PROFILE_NAME).write_text(example_text())
    with pytest.raises(FetchError, match="404"):
        zero_touch.run(settings, store)
    assert Agent.select().count() == 0 and the_alert() is not None


def test_a_signed_but_invalid_profile_is_refused_with_its_line(
    settings: Settings, store: Database, reseller: Path, offered: Path
) -> None:
    """A good signature does not make a bad profile good: the line is in the alert."""
    publish(offered, edited("    port: 5060", "    port: 0"), reseller)
    with pytest.raises(ProfileInvalid) as caught:
        zero_touch.run(settings, store)
    alert = the_alert()
    assert alert is not None and f":{caught.value.line}: trunks[0].port" in alert.params["error"]
    assert Agent.select().count() == 0


def test_nothing_offered_is_not_a_failure(
    settings: Settings, store: Database, reseller: Path
) -> None:
    """No stick and no URL: a box sold without a profile boots to its setup as usual."""
    assert zero_touch.run(settings, store) is None
    assert the_alert() is None


def test_an_unreachable_url_is_an_error(
    settings: Settings, store: Database, reseller: Path
) -> None:
    """A URL nobody answers at is reported, not ignored."""
    settings.provisioning.profile_url = "http://127.0.0.1:9/unit.yml"
    settings.provisioning.fetch_timeout_seconds = 2.0
    with pytest.raises(FetchError, match="cannot download"):
        zero_touch.run(settings, store)
    assert the_alert() is not None


def _can_use_loop_devices() -> bool:
    """Return true when this machine lets the test attach a loop device (root, tools present)."""
    tools = all(shutil.which(t) for t in ("losetup", "mke2fs", "blkid", "mount"))
    return tools and os.geteuid() == 0 and Path("/dev/loop-control").exists()


@pytest.mark.skipif(not _can_use_loop_devices(), reason="needs root and loop devices")
def test_a_signed_profile_on_a_labelled_usb_stick_is_applied(
    settings: Settings, store: Database, reseller: Path, tmp_path: Path
) -> None:
    """A filesystem image labelled like the stick, on a loop device, is found by its label."""
    content = tmp_path / "stick"
    content.mkdir()
    publish(content, example_text(), reseller)
    image = tmp_path / "stick.img"
    label = settings.provisioning.usb_label
    subprocess.run(["mke2fs", "-q", "-t", "ext4", "-L", label, "-d", str(content), str(image),
                    "4M"], check=True, timeout=30)  # fmt: skip
    device = subprocess.run(["losetup", "--find", "--show", str(image)], check=True,
                            capture_output=True, text=True, timeout=30).stdout.strip()  # fmt: skip
    try:
        result = zero_touch.run(settings, store)
    finally:
        subprocess.run(["losetup", "--detach", device], check=False, timeout=30)
    assert result is not None and result.profile.source == f"{device}:/{zero_touch.PROFILE_NAME}"
    assert Agent.select().count() == 5
    assert not os.path.ismount(settings.run_dir / "zero-touch-usb")
