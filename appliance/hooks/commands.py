"""`callbox hooks list | run EVENT`: see and run the lifecycle hooks from the command line."""

from __future__ import annotations

import click

from appliance.config import load
from appliance.hooks import discovery, runner
from appliance.hooks.const import Event
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
