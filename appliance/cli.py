"""The `callbox` command: init, migrate, run, doctor, prompt, forecast, rollups, setup-token,
secrets, version; backup, hooks, health, factory-reset, upgrade and sip-edge from their packages.

Every mistake a user can make (a malformed config, a port in use, a corrupt or newer
database, a missing Debian package) ends as one line on stderr saying what is wrong
and what to do, with exit status 2 — never a traceback.
"""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from appliance import __version__
from appliance.backup.exceptions import BackupError
from appliance.config import ENV_PREFIX, ConfigError, Settings, load
from appliance.dialer.exceptions import CampaignError
from appliance.hooks.exceptions import HookError
from appliance.prompts.exceptions import PromptError
from appliance.sipedge.exceptions import SipEdgeError
from appliance.store.exceptions import StoreError
from appliance.supervisor.exceptions import SupervisorError
from appliance.upgrade.exceptions import UpgradeError

if TYPE_CHECKING:
    from appliance.prompts.library import PromptLibrary
    from appliance.supervisor.bootstrap import InitReport

USER_ERRORS = (
    ConfigError,
    StoreError,
    SupervisorError,
    PromptError,
    SipEdgeError,
    BackupError,
    HookError,
    UpgradeError,
    CampaignError,
)
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1
F = TypeVar("F", bound=Callable[..., Any])


def one_line(message: str) -> str:
    """Return message on a single line (a YAML parser's message spans several)."""
    parts = [part.strip() for part in message.splitlines()]
    return " ".join(part for part in parts if part.strip("^ "))


def fail(message: str) -> NoReturn:
    """Print one error line on stderr and exit with status 2."""
    click.echo(f"callbox: {one_line(message)}", err=True)
    raise SystemExit(EXIT_USER_ERROR)


def _os_error_line(exc: OSError) -> str:
    """Return an OSError as one line naming the file."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}; check the path and its permissions"


def user_errors(func: F) -> F:
    """Turn the user errors a command raises into one line and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the command, mapping its errors to one line."""
        try:
            return func(*args, **kwargs)
        except USER_ERRORS as exc:
            fail(str(exc))
        except OSError as exc:
            fail(_os_error_line(exc))
        except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
            if click.get_current_context().find_root().params.get("debug"):
                traceback.print_exc()
            click.echo(
                f"callbox: internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback)",
                err=True,
            )
            raise SystemExit(EXIT_INTERNAL_ERROR) from None

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    """Return the settings, from --config (or CALLBOX_CONFIG) and the environment."""
    return load()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_file",
    metavar="PATH",
    help="Main config file (default /etc/callbox/callbox.yml); its conf.d/ is read too.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(config_file: str | None, debug: bool) -> None:
    """Run and manage a callbox call center."""
    if config_file:
        path = Path(config_file).absolute()
        if not path.is_file():
            fail(f"{path}: config file not found; give an existing file to --config")
        # The services `run` starts read the same file through the environment.
        os.environ[ENV_PREFIX + "CONFIG"] = str(path)


@cli.command()
@user_errors
def migrate() -> None:
    """Apply pending database migrations (a copy of the database is taken first)."""
    from appliance.store.migrations import latest_version
    from appliance.supervisor.bootstrap import migrate_store

    current = settings()
    database, applied = migrate_store(current)
    database.close()
    for migration in applied:
        click.echo(f"applied migration {migration.version:04d} {migration.name}")
    if not applied:
        click.echo(f"{current.paths.database} is up to date (schema v{latest_version()})")


@cli.command()
@click.option("--demo", is_flag=True, help="Load demo agents, queues, an IVR and a trunk.")
@click.option("--force", is_flag=True, help="Load the demo even if the database has agents.")
@user_errors
def init(demo: bool, force: bool) -> None:
    """Create the state folders, migrate the database and generate voice prompts."""
    from appliance.supervisor.bootstrap import initialize

    current = settings()
    report = initialize(current, demo=demo, force=force)
    _print_init(current, report)


def _print_init(current: Settings, report: InitReport) -> None:
    """Print what init did, one line per step."""
    click.echo(f"state folder {current.paths.var}")
    for migration in report.applied:
        click.echo(f"applied migration {migration.version:04d} {migration.name}")
    if report.prompts:
        click.echo(f"generated {len(report.prompts)} prompt files in {current.paths.prompts}")
    if report.demo_requested and not report.demo_loaded:
        click.echo("demo data not loaded: the database already has agents (--force loads it)")
    elif report.demo_loaded:
        click.echo("demo data loaded")
    if report.demo_json:
        click.echo(f"demo credentials (admin password, agents' SIP passwords): {report.demo_json}")
    elif not report.demo_requested:
        click.echo("no admin user yet: the web UI's setup creates one")


@cli.command()
@click.option("--no-demo", is_flag=True, help="Do not load demo data into a new database.")
@user_errors
def run(no_demo: bool) -> None:
    """Start every service in the foreground; Ctrl-C stops them all."""
    from appliance.supervisor.bootstrap import ensure_ready
    from appliance.supervisor.manager import Supervisor
    from appliance.supervisor.ports import check_ports
    from appliance.supervisor.services import build_specs

    current = settings()
    check_ports(current)  # before anything is written: a clash changes nothing
    report = ensure_ready(current, demo=not no_demo)
    if report.applied or report.prompts or report.demo_loaded:
        _print_init(current, report)
    specs = build_specs(current)
    raise SystemExit(Supervisor(current).run(specs))


@cli.command()
@user_errors
def doctor() -> None:
    """Check Debian packages, ports and the database; one line each."""
    from appliance.supervisor.doctor import examine

    findings = examine(settings())
    for finding in findings:
        click.echo(finding.line())
    if not all(f.ok for f in findings):
        raise SystemExit(1)


@cli.command("setup-token")
@click.option("--if-needed", is_flag=True, help="Exit 0 without a token if an admin exists.")
@user_errors
def setup_token(if_needed: bool) -> None:
    """Print a new one-time token for the web UI's setup (only while no admin exists)."""
    from web.setup.token import announce_token

    said: list[str] = []
    if announce_token(settings(), said.append) is None:
        if if_needed and not said:
            click.echo("no setup token needed: the box has an admin")
            return
        fail(said[0] if said else "no setup token: the box has an admin already (log in instead)")
    for line in said:
        click.echo(line)


@cli.command()
@user_errors
def secrets() -> None:
    """Create the web's session key and its HTTPS certificate if they are missing."""
    from web.secret import SECRET_FILE, load_secret_key
    from web.tls import CertificateError, ensure_certificate

    current = settings()
    load_secret_key(current)
    if not current.web.secret_key:
        click.echo(f"session key {current.var / SECRET_FILE}")
    try:
        tls = ensure_certificate(current)
    except CertificateError as exc:
        fail(str(exc))
    click.echo(f"certificate {tls[0]}" if tls else "no certificate: a demo box serves plain HTTP")


@cli.command()
def version() -> None:
    """Print callbox's version."""
    click.echo(f"callbox {__version__}")


@cli.group()
def prompt() -> None:
    """Manage custom prompts: list, upload, text-to-speech, delete (docs/prompts.md)."""


def _prompt_library() -> PromptLibrary:
    """Return the prompt library of the configured box, its store opened."""
    from appliance.prompts.library import PromptLibrary
    from appliance.store.manager import open_store

    current = settings()
    open_store(current, migrate=False)
    return PromptLibrary(current.paths.prompts)


def _prompt_line(entry: dict[str, Any]) -> str:
    """Return one prompt as a line of `callbox prompt list`."""
    note = "  (replaces the built-in)" if entry["custom"] and entry["builtin"] else ""
    return (
        f"{entry['language']}  {entry['name']:<28} {entry['source']:<8} "
        f"{entry['seconds']:7.1f} s {entry['bytes']:>9} bytes{note}"
    )


@prompt.command("list")
@click.option("--language", default="", help="en or zh (default: all).")
@user_errors
def prompt_list(language: str) -> None:
    """List prompts with their source, length and size."""
    for entry in _prompt_library().list(language):
        click.echo(_prompt_line(entry))


@prompt.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("name")
@click.option("--language", default="en", show_default=True)
@user_errors
def prompt_upload(file: Path, name: str, language: str) -> None:
    """Store a WAV or MP3 FILE as prompt NAME (converted to 8 kHz mono)."""
    click.echo(_prompt_line(_prompt_library().upload(file.absolute(), name, language, "cli")))


@prompt.command("tts")
@click.argument("name")
@click.argument("text")
@click.option("--language", default="en", show_default=True)
@user_errors
def prompt_tts(name: str, text: str, language: str) -> None:
    """Store TEXT spoken by the language's voice as prompt NAME."""
    click.echo(_prompt_line(_prompt_library().speak(text, name, language, "cli")))


@prompt.command("delete")
@click.argument("name")
@click.option("--language", default="en", show_default=True)
@click.option("--force", is_flag=True, help="Delete even if a published flow plays it.")
@user_errors
def prompt_delete(name: str, language: str, force: bool) -> None:
    """Delete custom prompt NAME (a built-in of that name is restored)."""
    result = _prompt_library().delete(name, language, force)
    restored = ", built-in restored" if result["builtin_restored"] else ""
    click.echo(f"deleted {language}/{name}{restored}")


@cli.command()
@click.argument("queue_name", metavar="QUEUE")
@click.option(
    "--day", type=click.DateTime(["%Y-%m-%d"]), help="Day to forecast (default tomorrow)."
)
@click.option("--weeks", default=4, show_default=True, help="Past weeks of the same weekday.")
@click.option("--service-level", default=80.0, show_default=True, help="Goal, percent.")
@click.option(
    "--shrinkage", default=30.0, show_default=True, help="Percent of paid time off calls."
)
@click.option("--interval", default=30, show_default=True, help="Interval length, minutes.")
@user_errors
def forecast(
    queue_name: str,
    day: datetime | None,
    weeks: int,
    service_level: float,
    shrinkage: float,
    interval: int,
) -> None:
    """Print a day's agents needed per interval for QUEUE, by Erlang C (docs/metrics.md)."""
    from appliance import forecast_report as report
    from appliance.callflow import staffing
    from appliance.store.manager import open_store
    from appliance.store.models import Queue

    current = settings()
    open_store(current, migrate=False)
    queue = Queue.get_or_none(Queue.name == queue_name)
    if queue is None:
        fail(f"no queue {queue_name!r}")
    target, now = report.forecast_day(day, current.timezone)
    try:
        intervals = staffing.forecast(
            report.queue_history(queue, now, weeks),
            current.timezone,
            target.weekday(),
            now,
            weeks=weeks,
            interval_minutes=interval,
            target_sl=service_level / 100,
            target_s=queue.service_level_seconds,
            shrinkage=shrinkage / 100,
        )
    except ValueError as exc:
        fail(str(exc))
    click.echo(report.forecast_text(queue, target, weeks, service_level, shrinkage, intervals))


@cli.command()
@click.option(
    "--days", type=int, default=0, help="Rebuild the last DAYS days even where already built."
)
@user_errors
def rollups(days: int) -> None:
    """Build the report rollups that are missing or dropped (docs/metrics.md, Rollups)."""
    import time

    from appliance.reports import queries
    from appliance.reports import rollups as store_rollups
    from appliance.store.manager import open_store

    open_store(settings(), migrate=False)
    now, limits = time.time(), queries.thresholds()
    rebuilt = store_rollups.rebuild(now - days * 86400, now, limits) if days > 0 else 0
    built = store_rollups.refresh(now, limits)
    click.echo(f"{rebuilt + built} interval(s) built")


@cli.command("user-extension")
@click.argument("username")
@click.argument("extension")
@user_errors
def user_extension(username: str, extension: str) -> None:
    """Link web user USERNAME to agent EXTENSION for the agent console ("-" unlinks)."""
    from appliance.store.manager import open_store
    from appliance.store.models import Agent, User

    open_store(settings(), migrate=False)
    user = User.get_or_none(User.username == username)
    if user is None:
        fail(f"no web user {username!r}")
    extension = "" if extension == "-" else extension
    if extension and Agent.get_or_none(Agent.extension == extension) is None:
        fail(f"no agent with extension {extension!r}")
    User.update(extension=extension).where(User.id == user.id).execute()
    click.echo(f"{username} works at {extension}" if extension else f"{username} has no extension")


def _add_groups() -> None:
    """Add the command groups that live in their domain packages."""
    from appliance.backup.commands import backup
    from appliance.boards.commands import boards
    from appliance.campaign_commands import campaign
    from appliance.health.commands import health
    from appliance.hooks.commands import factory_reset, hooks, wipe_data
    from appliance.sipedge.commands import sip_edge
    from appliance.upgrade.commands import bundle_group, upgrade
    from provisioning.profiles.commands import provision

    for group in (backup, boards, hooks, bundle_group, campaign, provision):
        for command in group.commands.values():
            if command.callback is not None:
                command.callback = user_errors(command.callback)
        cli.add_command(group)
    for command in (health, factory_reset, wipe_data, upgrade, sip_edge):
        assert command.callback is not None
        command.callback = user_errors(command.callback)
        cli.add_command(command)


_add_groups()


def main() -> None:
    """Run the command line (the `callbox` console script)."""
    cli(prog_name="callbox")


if __name__ == "__main__":
    main()
