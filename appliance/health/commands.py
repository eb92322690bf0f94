"""`callbox health`: run the health checks once, or until they pass or a deadline."""

from __future__ import annotations

import time

import click

from appliance.config import load
from appliance.health import check_all
from appliance.health.checks import SERVICES, discover

POLL_SECONDS = 1.0


def _names(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    """Return the checks named by --only, refusing unknown ones."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        known = ", ".join(discover())
        raise click.BadParameter(f"no health check {unknown[0]!r} (known: {known})")
    return names


@click.command("health")
@click.option(
    "--only", default="", callback=_names, help="Comma-separated checks (default: the services)."
)
@click.option(
    "--wait", type=float, default=0.0, help="Retry for up to this many seconds until healthy."
)
def health(only: list[str], wait: float) -> None:
    """Print each check's verdict; exit 1 unless all pass (docs/hooks.md).

    By default the services only: a low disk or a lost trunk registration is an alert,
    not a reason to roll an upgrade back.
    """
    settings = load()
    deadline = time.monotonic() + wait
    while True:
        results = check_all(settings, only=only or SERVICES)
        healthy = all(result["ok"] for result in results.values())
        if healthy or time.monotonic() >= deadline:
            break
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
    for name, result in results.items():
        click.echo(f"{'ok' if result['ok'] else 'FAILED'} {name}: {result['detail']}")
    if not healthy:
        raise SystemExit(1)
