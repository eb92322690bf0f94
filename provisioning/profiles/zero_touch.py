"""Zero-touch first boot: find the reseller's signed profile, verify it, apply it, say so.

Where the profile is looked for, in order: a USB stick whose filesystem is labelled
`provisioning.usb_label` (found with ``blkid -L``, mounted read-only under the run
folder only while the two files are read), then `provisioning.profile_url` (the
profile, and its signature at the same URL plus ``.sig``).  Either way the profile
is applied only when its ed25519 signature matches the reseller's public key
baked into the image.  The outcome is shown on the console (the caller prints it)
and in the web UI: a failure raises the critical alert ``provisioning.zero_touch``
with the exact error; success clears it and the admin status page shows the unit.
"""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from peewee import Database

from appliance.config import Settings
from appliance.health import alerts
from provisioning.profiles import manager, signing
from provisioning.profiles.exceptions import FetchError, ProfileError

PROFILE_NAME = "callbox-profile.yml"
ALERT_KEY = "provisioning.zero_touch"
ALERT_KIND = "zero_touch_failed"
COMMAND_TIMEOUT = 20.0


@dataclass(frozen=True)
class Found:
    """A profile and its signature as found, and where (for messages)."""

    data: bytes
    signature: str
    source: str


def run(settings: Settings, database: Database) -> manager.Plan | None:
    """Find, verify and apply the profile; report the outcome as an alert; return the plan.

    Return None when nothing offers a profile (no stick, no URL): a box sold without a
    reseller profile boots to the setup wizard as usual.
    """
    try:
        found = find(settings)
        if found is None:
            return None
        key = signing.load_public_key(Path(settings.provisioning.public_key))
        signing.verify(found.data, found.signature, key, found.source)
        try:
            text = found.data.decode("utf-8")
        except UnicodeDecodeError:
            raise ProfileError("not UTF-8 text", found.source) from None
        result = manager.plan(manager.parse(text, found.source), settings)
        manager.apply(result, settings)
    except ProfileError as exc:
        alerts.raise_alert(database, ALERT_KEY, ALERT_KIND, {"error": str(exc)}, str(exc),
                           alerts.CRITICAL)  # fmt: skip
        raise
    alerts.clear_alert(database, ALERT_KEY)
    return result


def find(settings: Settings) -> Found | None:
    """Return the profile from the USB stick, else from the URL; None when neither is there."""
    device = usb_device(settings.provisioning.usb_label)
    if device:
        return read_usb(device, settings.run_dir / "zero-touch-usb")
    if settings.provisioning.profile_url:
        return fetch_url(settings.provisioning.profile_url,
                         settings.provisioning.fetch_timeout_seconds)  # fmt: skip
    return None


def usb_device(label: str) -> str:
    """Return the device whose filesystem has label ("" when none, or blkid is missing)."""
    try:
        done = subprocess.run(["blkid", "-L", label], capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT, check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def read_usb(device: str, mountpoint: Path) -> Found:
    """Mount device read-only, read the profile and its signature, unmount."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    _command(["mount", "-o", "ro,nosuid,nodev,noexec", device, str(mountpoint)], device)
    try:
        profile = mountpoint / PROFILE_NAME
        source = f"{device}:/{PROFILE_NAME}"
        try:
            data = profile.read_bytes()
            signature = signing.signature_path(profile).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise FetchError(f"cannot read {PROFILE_NAME} and its .sig ({exc})", source) from None
        return Found(data, signature, source)
    finally:
        _command(["umount", str(mountpoint)], device)


def _command(argv: list[str], device: str) -> None:
    """Run mount or umount; raise FetchError with its words when it fails."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
                              check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FetchError(f"{argv[0]} failed ({exc})", device) from None
    if done.returncode != 0:
        raise FetchError(f"{argv[0]} failed: {done.stderr.strip()}", device)


def fetch_url(url: str, timeout: float) -> Found:
    """Download the profile and url + ".sig"; raise FetchError naming the URL."""
    if not url.startswith(("http://", "https://")):
        raise FetchError("provisioning.profile_url must be an http:// or https:// URL", url)
    data = _get(url, timeout)
    signature = _get(url + signing.SIGNATURE_SUFFIX, timeout)
    try:
        return Found(data, signature.decode("ascii"), url)
    except UnicodeDecodeError:
        raise FetchError("the signature is not text", url + signing.SIGNATURE_SUFFIX) from None


def _get(url: str, timeout: float) -> bytes:
    """Return the body at url."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read(4 * 2**20)
            return body
    except urllib.error.HTTPError as exc:
        raise FetchError(f"the server answered {exc.code} {exc.reason}", url) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot download ({reason})", url) from None
