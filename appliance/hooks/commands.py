"""`callbox hooks list | run EVENT`, `callbox factory-reset`: lifecycle hooks by hand."""

from __future__ import annotations

import click

from appliance.backup.restore import box_running
from appliance.config import load
from appliance.hooks import discovery, reset, runner
from appliance.hooks.const import Event
from appliance.hooks.exceptions import HookError
from appliance.hooks.runner import HookResult


@click.group()
def hooks() -> None:
    """List and run the lifecycle hooks (docs/hooks.md)."""


@hooks.command("list")
def list_hooks() -> None:
    """List every event's hooks in run order, with where each comes from."""
    settings = load()
    for origin, folder in discovery.folders(settings):
        click.echo(f"{origin} hooks: {folder}")
    for which in Event:
        for hook in discovery.discover(settings, which):
            note = "" if hook.executable else "  (not executable: skipped)"
            click.echo(f"{which.value:<14} {hook.name:<24} {hook.origin:<8} {hook.path}{note}")


def _pairs(_ctx: click.Context, _param: click.Parameter, pairs: tuple[str, ...]) -> dict[str, str]:
    """Return the --env KEY=VALUE options as a mapping, keys upper case."""
    extra = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE")
        extra[key.upper()] = value
    return extra


@hooks.command("run")
@click.argument("event_name", metavar="EVENT")
@click.option(
    "--env",
    "extra",
    multiple=True,
    callback=_pairs,
    metavar="KEY=VALUE",
    help="An event-specific variable, given to the hooks as CALLBOX_HOOK_KEY.",
)
@click.option("--timeout", type=float, help="Seconds each hook may run (default: the setting).")
def run_hooks(event_name: str, extra: dict[str, str], timeout: float | None) -> None:
    """Run EVENT's hooks now; exit 1 if one failed (a pre-* event stops at it)."""
    results = runner.run_event(load(), event_name, extra, timeout)
    report(results)
    if not results:
        click.echo(f"no {event_name} hooks to run")
    if not all(result.ok for result in results):
        raise SystemExit(1)


def report(results: list[HookResult]) -> None:
    """Print one line per hook; a failed one's output goes to stderr after its line."""
    for result in results:
        line = (
            f"{result.hook.name} ({result.hook.origin}) {result.reason} in {result.seconds:.1f} s"
        )
        if result.ok:
            click.echo(line)
            continue
        click.echo(f"FAILED {line}", err=True)
        for output_line in result.output.splitlines()[-20:]:
            click.echo(f"  | {output_line}", err=True)


CONFIRM_HELP = "Confirm: every call record, recording, prompt, voicemail and backup is deleted."


@click.command("factory-reset")
@click.option("--erase-all-data", "confirmed", is_flag=True, help=CONFIRM_HELP)
def factory_reset(confirmed: bool) -> None:
    """Run the factory-reset hooks: wipe the box's data, keep the installed image."""
    if not confirmed:
        raise HookError(
            "a factory reset deletes all the box's data (calls, recordings, prompts, voicemail, "
            "backups, secrets); copy what you need, stop the box, then add --erase-all-data"
        )
    settings = load()
    if box_running(settings):
        raise HookError("the box is running: stop it first, then reset it")
    results = runner.run_event(settings, Event.FACTORY_RESET.value)
    report(results)
    if not results:
        raise HookError("no factory-reset hooks ran, so nothing was wiped: check `hooks list`")
    if not all(result.ok for result in results):
        raise SystemExit(1)
    click.echo("factory reset done: the next start is a first boot")


@click.command("wipe-data", hidden=True)
@click.option("--erase-all-data", "confirmed", is_flag=True, help=CONFIRM_HELP)
def wipe_data(confirmed: bool) -> None:
    """Delete the box's data now (the shipped factory-reset hook's step)."""
    if not confirmed:
        raise HookError("wipe-data deletes all the box's data: add --erase-all-data to confirm")
    for path in reset.wipe(load()):
        click.echo(f"deleted {path}")
