"""`callbox upgrade`: verify, back up, install, migrate, restart, check — or roll back.

The steps, in order; anything failing before the install changes nothing:

1. the bundle's signature (a trusted key) and every sha256 — a bad bundle is refused;
2. the pre-upgrade hooks (the shipped one backs up to the folder it is given); a
   failing one, or no backup made, stops the upgrade;
3. the services are stopped, the release unpacked beside the others and `current`
   switched to it, the database migrated by the new release, the services started;
4. the new release runs its post-upgrade hooks (migrate, health check) and must pass
   them within `upgrade.health_deadline_seconds`.

Any failure in 3 or 4 rolls back: services stopped, `current` switched back, the
database (and prompts, voicemail, secrets) restored from the step-2 backup, services
started — and the command fails saying why and what it rolled back to.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from appliance import __version__
from appliance.backup import restore, retention
from appliance.backup.commands import PASSPHRASE_ENV
from appliance.config import Settings
from appliance.hooks import runner
from appliance.hooks.const import KILL_GRACE_SECONDS
from appliance.upgrade import alerting, bundle, steps
from appliance.upgrade.bundle import Manifest
from appliance.upgrade.const import COMMAND_TIMEOUT_SECONDS
from appliance.upgrade.exceptions import RolledBack, UpgradeError
from appliance.upgrade.releases import Releases
from appliance.upgrade.steps import Say

LOCK_NAME = ".upgrade.lock"  # one upgrade at a time per prefix
HEALTH_MARGIN_SECONDS = 5.0  # the health hook stops waiting this long before the deadline


def upgrade(settings: Settings, path: Path, say: Say) -> str:
    """Upgrade the box to the bundle at path and return the new version."""
    manifest, signer = bundle.verify(path, Path(settings.upgrade.keys))
    say(f"{path.name}: callbox {manifest.version}, signed by {signer}")
    releases = Releases(Path(settings.upgrade.prefix))
    with _exclusive(releases.prefix):
        return _upgrade(settings, releases, path, manifest, say)


@contextlib.contextmanager
def _exclusive(prefix: Path) -> Iterator[None]:
    """Hold the prefix's upgrade lock, or raise UpgradeError if another upgrade has it."""
    prefix.mkdir(parents=True, exist_ok=True)
    with (prefix / LOCK_NAME).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UpgradeError(
                f"another upgrade is running ({prefix / LOCK_NAME} is locked): wait for it"
            ) from None
        yield  # the lock goes with the file's closing


def _upgrade(
    settings: Settings, releases: Releases, path: Path, manifest: Manifest, say: Say
) -> str:
    """Back up, stop, install and check under the lock; roll back on failure."""
    previous = releases.current()
    if previous == manifest.version:
        raise UpgradeError(f"callbox {previous} is already the current release: nothing to do")
    versions = {"FROM_VERSION": previous or __version__, "TO_VERSION": manifest.version}
    alerting.attempt_started(settings)
    archive = _backup(settings, versions, say)
    try:
        steps.service_command(settings.upgrade.stop_command, "stop", say, COMMAND_TIMEOUT_SECONDS)
    except UpgradeError as exc:
        raise UpgradeError(
            f"{exc}; nothing was installed, but some services may be stopped: start them "
            f"({settings.upgrade.start_command or 'nothing configured'})"
        ) from None
    try:
        _install(settings, releases, path, manifest, versions, say)
    except Exception as exc:  # whatever went wrong, the box must not stay half upgraded
        params = {"from": versions["FROM_VERSION"], "to": manifest.version}
        try:
            _rollback(settings, releases, previous, archive, str(exc), say)
        except UpgradeError as incomplete:
            alerting.rolled_back(settings, {**params, "complete": False}, str(incomplete))
            raise
        alerting.rolled_back(settings, {**params, "complete": True}, str(exc))
        raise RolledBack(
            f"upgrade to {manifest.version} failed and was rolled back to "
            f"{versions['FROM_VERSION']} with the database of {archive}: {exc}"
        ) from exc
    return manifest.version


def _backup(settings: Settings, versions: dict[str, str], say: Say) -> Path:
    """Run the pre-upgrade hooks and return the backup they made."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    folder = (
        Path(settings.paths.backups)
        / "upgrade"
        / (f"{stamp}-{versions['FROM_VERSION']}-to-{versions['TO_VERSION']}")
    )
    say("pre-upgrade hooks")
    results = runner.run_event(settings, "pre-upgrade", {**versions, "BACKUP_DIR": str(folder)})
    for result in results:
        say(f"  {result.hook.name} {result.reason}")
    archives = retention.archives(folder)
    if not archives:
        raise UpgradeError(
            f"the pre-upgrade hooks made no backup in {folder}, so an upgrade could not be "
            "rolled back: restore firmware_hooks/pre-upgrade.d/10-backup (nothing changed)"
        )
    say(f"backup {archives[-1]}")
    return archives[-1]


def _install(
    settings: Settings,
    releases: Releases,
    path: Path,
    manifest: Manifest,
    versions: dict[str, str],
    say: Say,
) -> None:
    """Install and switch to the release, migrate, start, and run its post-upgrade hooks."""
    folder = releases.install(path, manifest)
    releases.switch(manifest.version)
    say(f"installed {folder}, now current")
    callbox = releases.command(manifest.version)
    steps.release_command(
        callbox, ["migrate"], "migrating with the new release", COMMAND_TIMEOUT_SECONDS, say
    )
    steps.service_command(settings.upgrade.start_command, "start", say, COMMAND_TIMEOUT_SECONDS)
    deadline = settings.upgrade.health_deadline_seconds
    wait = max(1.0, deadline - HEALTH_MARGIN_SECONDS)
    pairs = {**versions, "RELEASE": str(folder), "HEALTH_WAIT": f"{wait:.0f}"}
    args = ["hooks", "run", "post-upgrade", "--timeout", f"{deadline:.1f}"]
    for key, value in pairs.items():
        args += ["--env", f"{key}={value}"]
    say(f"post-upgrade hooks of {manifest.version} (healthy within {deadline:.0f} s)")
    what = "the new release's post-upgrade hooks"
    steps.release_command(callbox, args, what, deadline + KILL_GRACE_SECONDS, say)


def _rollback(
    settings: Settings,
    releases: Releases,
    previous: str | None,
    archive: Path,
    cause: str,
    say: Say,
) -> None:
    """Put the previous release and the backed-up database back; raise if that fails too."""
    say(f"upgrade failed: {cause}")
    say(f"rolling back to {previous or 'no installed release'}")
    problems: list[str] = []
    stop, start = settings.upgrade.stop_command, settings.upgrade.start_command
    _attempt(problems, lambda: steps.service_command(stop, "stop", say, COMMAND_TIMEOUT_SECONDS))
    releases.switch(previous)
    restored = _attempt(problems, lambda: _restore(settings, archive, say))
    _attempt(problems, lambda: steps.service_command(start, "start", say, COMMAND_TIMEOUT_SECONDS))
    if problems:
        data = (
            "the database is restored"
            if restored
            else f"restore {archive} with `callbox backup restore` once the box is stopped"
        )
        raise UpgradeError(
            f"the upgrade failed ({cause}) and the rollback is INCOMPLETE: "
            f"{'; '.join(problems)} — {previous or 'no release'} is current again, {data}"
        )


def _attempt(problems: list[str], step: Callable[[], object]) -> bool:
    """Run one rollback step and return true if it worked; a failure is noted, not raised."""
    try:
        step()
    except Exception as exc:  # every step is still tried; the failures are reported together
        problems.append(str(exc))
        return False
    return True


def _restore(settings: Settings, archive: Path, say: Say) -> None:
    """Restore the pre-upgrade archive (the database, prompts, voicemail, secrets)."""
    try:
        result = restore.restore(settings, archive, os.environ.get(PASSPHRASE_ENV, ""))
    except Exception as exc:
        raise UpgradeError(f"restoring {archive}: {exc}") from exc
    say(f"restored {result.files} files from {archive}")
