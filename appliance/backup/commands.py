"""`callbox backup create | list | verify | restore`: backups from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import click

from appliance.backup import archive, hooked, reader, retention
from appliance.config import DEFAULT_CONFIG_FILE, ENV_PREFIX, load
from appliance.hooks.commands import report

PASSPHRASE_ENV = "CALLBOX_BACKUP_PASSPHRASE"


def _config_file() -> Path:
    """Return the main config file this box reads."""
    return Path(os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_FILE)


def _passphrase(path: Path | None = None) -> str:
    """Return the passphrase from the environment, asking for one an archive needs."""
    given = os.environ.get(PASSPHRASE_ENV, "")
    if not given and path is not None and path.is_file() and archive.crypto.is_encrypted(path):
        given = click.prompt("Passphrase", hide_input=True)
    return given


@click.group()
def backup() -> None:
    """Back up the box, check archives, restore one."""


@backup.command("create")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the archive to (default: the box's backups folder).",
)
@click.option("--recordings/--no-recordings", default=True, show_default=True)
@click.option(
    "--encrypt",
    is_flag=True,
    help=f"Encrypt with the passphrase in ${PASSPHRASE_ENV} (asked for if unset).",
)
def create(folder: Path | None, recordings: bool, encrypt: bool) -> None:  # fmt: skip
    """Write an archive of the database, configuration, prompts, voicemail, recordings.

    The pre-backup hooks run first; a failing one stops the backup.
    """
    settings = load()
    passphrase = ""
    if encrypt:
        passphrase = os.environ.get(PASSPHRASE_ENV) or click.prompt(
            "Passphrase (keep it: without it the archive cannot be restored)",
            hide_input=True, confirmation_prompt=True,
        )  # fmt: skip
    source = archive.sources(settings, _config_file(), recordings)
    path = hooked.create(settings, source, folder or Path(settings.paths.backups), passphrase)
    click.echo(f"{path} ({path.stat().st_size} bytes)")


@backup.command("list")
@click.option("--in", "folder", type=click.Path(file_okay=False, path_type=Path))
def list_archives(folder: Path | None) -> None:
    """List the finished archives, oldest first."""
    for path in retention.archives(folder or Path(load().paths.backups)):
        click.echo(f"{path.name}  {path.stat().st_size} bytes")


@backup.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def verify(path: Path) -> None:
    """Check every sum of an archive and its database's integrity."""
    checked = reader.verify(path, _passphrase(path))
    manifest = checked.manifest
    click.echo(f"{path.name}: ok — {len(manifest.files)} files, database version "
               f"{manifest.database_version}, made by callbox {manifest.callbox_version} "
               f"on {manifest.host}")  # fmt: skip


@backup.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-config", is_flag=True, help="Put the configuration files back too.")
def restore_archive(path: Path, with_config: bool) -> None:
    """Restore an archive onto this box (stopped); a safety backup is taken first.

    The post-restore hooks run after it (the shipped one migrates the restored database).
    """
    settings = load()

    def progress(done: int, total: int, name: str) -> None:
        """Show how far the restore is."""
        if done == total or done % 50 == 0:
            click.echo(f"  {done}/{total} {name}")

    config = _config_file() if with_config else None
    result, after = hooked.restore_archive(settings, path, _passphrase(path), config, progress)
    if result.safety_backup:
        click.echo(f"safety backup of what was here: {result.safety_backup}")
    click.echo(f"restored {result.files} files from {path.name}")
    report(after)
    if not all(hook.ok for hook in after):
        click.echo("callbox: restored, but a post-restore hook failed (see above)", err=True)
        raise SystemExit(1)
