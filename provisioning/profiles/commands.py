"""`callbox provision ...`: validate, apply (with a diff), sign, verify, zero-touch, report.

A profile error prints every problem, one line each with the file and line, and
exits with status 2, like every user error of the `callbox` command.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from appliance.config import Settings, load
from provisioning.profiles import signing
from provisioning.profiles.exceptions import ProfileError

# manager, zero_touch and the schema import the call-flow domain (phone numbers and
# all): loaded inside the commands that need them, so `callbox` starts fast.

F = TypeVar("F", bound=Callable[..., Any])
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def profile_errors(func: F) -> F:
    """Print a profile's problems on stderr, one a line, and exit with status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the command, printing its profile errors."""
        try:
            return func(*args, **kwargs)
        except ProfileError as exc:
            problems = getattr(exc, "problems", None) or [exc]
            for problem in problems:
                click.echo(f"callbox: {problem}", err=True)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]


def _store(settings: Settings) -> Any:
    """Open (and migrate) the box's store; return the database."""
    from appliance.store.manager import open_store

    return open_store(settings)


@click.group()
def provision() -> None:
    """Reseller unit profiles and zero-touch first boot (docs/provisioning.md)."""


@provision.command("validate")
@click.argument("profile", type=EXISTING_FILE)
@profile_errors
def validate_cmd(profile: Path) -> None:
    """Check PROFILE; print each problem with its line."""
    from provisioning.profiles import manager

    manager.read_profile(profile)
    click.echo(f"{profile}: valid")


@provision.command("apply")
@click.argument("profile", type=EXISTING_FILE)
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.option("--dry-run", is_flag=True, help="Show the diff only.")
@profile_errors
def apply_cmd(profile: Path, yes: bool, dry_run: bool) -> None:
    """Show what PROFILE changes on this box, then apply it (asks unless --yes)."""
    from provisioning.profiles import manager

    loaded = manager.read_profile(profile)
    settings = load()
    _store(settings)
    result = manager.plan(loaded, settings)
    if result.empty:
        click.echo(f"no changes: the box already matches {profile}")
        return
    for line in result.lines():
        click.echo(line)
    if dry_run or not (yes or click.confirm("Apply these changes?", default=False)):
        click.echo("nothing applied")
        return
    note = manager.apply(result, settings)
    click.echo(f"applied {len(result.changes)} change(s)" + (f"; {note}" if note else ""))


@provision.command("zero-touch")
@profile_errors
def zero_touch_cmd() -> None:
    """Find the signed profile (USB stick or URL), verify it and apply it (first boot)."""
    from provisioning.profiles import zero_touch

    settings = load()
    database = _store(settings)
    result = zero_touch.run(settings, database)
    if result is None:
        label = settings.provisioning.usb_label
        click.echo(f"zero-touch: no profile offered (no USB stick labelled {label}, "
                   "no provisioning.profile_url): nothing to do")  # fmt: skip
        return
    click.echo(f"zero-touch: applied {result.profile.source} ({len(result.changes)} change(s))")


@provision.command("report")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (for playbooks).")
@profile_errors
def report_cmd(as_json: bool) -> None:
    """Print this unit's report: the one sent to provisioning.report_url."""
    from provisioning.unit_report.builder import build_report

    settings = load()
    database = _store(settings)
    with database.connection_context():
        report = build_report(settings)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    alerts = report["health"]["alerts"]
    down = [name for name, ok in report["health"]["services"].items() if not ok]
    click.echo(f"unit {report['serial']} ({report['hostname']}), callbox {report['version']}")
    click.echo(f"alerts: {len(alerts)}; services down: {', '.join(down) or 'none'}")
    free = report["disk"]["free_bytes"]
    click.echo(f"calls today: {report['calls_today']}; agents logged in: "
               f"{report['agents_logged_in']}; disk free: {free} bytes")  # fmt: skip


@provision.command("keygen")
@click.option(
    "--private",
    "private_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the private key (keep it secret).",
)
@click.option("--public", "public_path", type=click.Path(path_type=Path), required=True,
              help="Where to write the public key (baked into the image).")  # fmt: skip
@profile_errors
def keygen_cmd(private_path: Path, public_path: Path) -> None:
    """Create a reseller's ed25519 key pair."""
    signing.generate_keys(private_path, public_path)
    click.echo(f"private key {private_path}, public key {public_path}")


@provision.command("sign")
@click.argument("profile", type=EXISTING_FILE)
@click.option("--key", "key_path", type=EXISTING_FILE, required=True, help="The private key.")
@profile_errors
def sign_cmd(profile: Path, key_path: Path) -> None:
    """Check PROFILE and write its signature to PROFILE.sig."""
    from provisioning.profiles import manager

    manager.read_profile(profile)  # never sign a profile the box would refuse
    signature = signing.sign(profile.read_bytes(), key_path)
    target = signing.signature_path(profile)
    target.write_text(signature + "\n", encoding="ascii")
    click.echo(f"signed: {target}")


@provision.command("verify")
@click.argument("profile", type=EXISTING_FILE)
@click.option("--public-key", type=click.Path(path_type=Path),
              help="Default: the box's provisioning.public_key.")  # fmt: skip
@profile_errors
def verify_cmd(profile: Path, public_key: Path | None) -> None:
    """Check PROFILE.sig against the reseller's public key."""
    key = signing.load_public_key(public_key or Path(load().provisioning.public_key))
    sig_path = signing.signature_path(profile)
    try:
        signature = sig_path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"no readable signature ({exc})", str(sig_path)) from None
    signing.verify(profile.read_bytes(), signature, key, str(profile))
    click.echo(f"{profile}: signature good")


@provision.command("hash-password")
def hash_password_cmd() -> None:
    """Print the argon2 hash of a password for a profile's admin (never the password)."""
    from argon2 import PasswordHasher

    password = click.prompt("Admin password", hide_input=True, confirmation_prompt=True)
    click.echo(PasswordHasher().hash(password))


@provision.command("schema")
def schema_cmd() -> None:
    """Print the profile's JSON Schema (for editors)."""
    from provisioning.profiles.schemas import SCHEMA

    click.echo(json.dumps(SCHEMA, indent=2))
