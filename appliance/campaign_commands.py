"""`callbox campaign create | import | list | start | pause | stop | times | dnc`: campaigns.

Start, pause and stop set the status the engine's dialer acts on; they need no engine
running.  Every refusal is one line naming the fault (exit status 2).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from appliance.config import Settings, load
from appliance.dialer.const import CampaignStatus, Mode
from appliance.dialer.exceptions import CampaignError
from appliance.dialer.importing import Mapping
from appliance.dialer.moves import check_move
from appliance.dialer.windows import parse_window

F = TypeVar("F", bound=Callable[..., Any])
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def refusals(func: F) -> F:
    """Turn the ValueErrors of the domain into CampaignError (one line, exit status 2)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the command, mapping ValueError."""
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            raise CampaignError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _open() -> Settings:
    """Open the store (not migrating: `callbox migrate` does that) and return the settings."""
    from appliance.store.manager import open_store

    settings = load()
    open_store(settings, migrate=False)
    return settings


def _campaign(name: str) -> Any:
    """Return the stored campaign called name; refuse an unknown one."""
    from appliance.store.models import Campaign

    row = Campaign.get_or_none(Campaign.name == name)
    if row is None:
        raise CampaignError(f"no campaign named {name!r}; `callbox campaign list` shows them")
    return row


@click.group()
def campaign() -> None:
    """Outbound campaigns: create, import contact lists, start, pause, stop."""


@campaign.command("create")
@click.argument("name")
@click.option("--mode", type=click.Choice([m.value for m in Mode]), default="progressive",
              show_default=True)  # fmt: skip
@click.option("--queue", default="", help="The queue whose agents take the calls.")
@click.option("--flow", default="", help="The IVR flow an agentless call plays.")
@click.option("--caller-id", default="", help="The number the called person sees.")
@click.option("--hours", default="09:00-20:00", show_default=True,
              help="On the contact's clock, e.g. 09:00-12:00,13:30-20:00.")  # fmt: skip
@click.option("--days", default="mon,tue,wed,thu,fri", show_default=True)
@click.option("--holidays-from", default="", help="Business hours whose holidays are closed.")
@click.option("--drop-cap", type=float, default=0.03, show_default=True)
@click.option("--amd", is_flag=True, help="Detect answering machines and hang up on them.")
@refusals
def create(name: str, mode: str, hours: str, days: str, **options: Any) -> None:
    """Create campaign NAME (a draft until started)."""
    from appliance.store import campaigns

    _open()
    chosen = [d.strip().lower() for d in days.split(",") if d.strip()]
    if unknown := [d for d in chosen if d not in WEEKDAYS]:
        raise CampaignError(f"unknown day(s) {unknown}; use {','.join(WEEKDAYS)}")
    window = {day: [r.strip() for r in hours.split(",")] for day in chosen}
    parse_window(window)
    row = campaigns.create_campaign(name, mode, window=window, **options)
    click.echo(f"campaign {row.name} created ({row.mode}, draft)")


@campaign.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--number-column", default="", help="Header of the numbers (guessed if unset).")
@click.option("--name-column", default="")
@click.option("--timezone-column", default="")
@refusals
def import_list(name: str, file: Path, number_column: str, name_column: str,
                timezone_column: str) -> None:  # fmt: skip
    """Import FILE (CSV or XLSX) into campaign NAME; print the rows not imported."""
    from appliance.store import campaigns

    settings = _open()
    mapping = Mapping(number_column, name_column, timezone_column) if number_column else None
    listing, report = campaigns.import_contacts(
        _campaign(name), file.read_bytes(), file.name, settings.dialing.region, mapping
    )
    click.echo(f"{listing.rows} rows ({report.encoding}): {listing.imported} imported, "
               f"{listing.rejected} not imported")  # fmt: skip
    for error in report.errors:
        detail = f" ({error.detail})" if error.detail else ""
        click.echo(
            f"row {error.row}\t{error.column}\t{error.problem.value}\t{error.value!r}{detail}"
        )


@campaign.command("list")
@refusals
def list_campaigns() -> None:
    """List the campaigns with their mode, status and progress."""
    from appliance.store import campaigns
    from appliance.store.models import Campaign

    _open()
    rows = list(Campaign.select().order_by(Campaign.name))
    figures = campaigns.progress(rows)
    for row in rows:
        f = figures[row.id]
        click.echo(f"{row.name}\t{row.mode}\t{row.status}\t{f['done']}/{f['contacts']} done\t"
                   f"{f['attempts']} attempts")  # fmt: skip


def _move(name: str, status: CampaignStatus) -> None:
    """Set a campaign's status if its current one allows it."""
    from appliance.store import campaigns

    _open()
    row = _campaign(name)
    check_move(name, row.status, status)  # a ValueError: one line, exit status 2
    if status is CampaignStatus.RUNNING:
        campaigns.campaign_for(row)  # its settings still read (a holiday schedule deleted…)
    campaigns.set_status(row, status)
    click.echo(f"campaign {name} {status}")


@campaign.command("start")
@click.argument("name")
@refusals
def start(name: str) -> None:
    """Start (or resume) campaign NAME: the dialer calls within its window."""
    _move(name, CampaignStatus.RUNNING)


@campaign.command("pause")
@click.argument("name")
@refusals
def pause(name: str) -> None:
    """Pause campaign NAME: no new calls until it is started again."""
    _move(name, CampaignStatus.PAUSED)


@campaign.command("stop")
@click.argument("name")
@refusals
def stop(name: str) -> None:
    """Stop campaign NAME for good."""
    _move(name, CampaignStatus.STOPPED)


@campaign.command("times")
@click.argument("name")
@click.option("--start-at", default="", help="When the scheduler starts it: YYYY-MM-DD HH:MM.")
@click.option("--stop-at", default="", help="When the scheduler pauses it: YYYY-MM-DD HH:MM.")
@click.option("--clear", is_flag=True, help="Forget both times first.")
@refusals
def times(name: str, start_at: str, stop_at: str, clear: bool) -> None:
    """Set when campaign NAME is started and paused by the scheduler (the box's time zone)."""
    settings = _open()
    zone = ZoneInfo(settings.timezone)
    row = _campaign(name)
    if clear:
        row.start_at = row.stop_at = None
    if start_at:
        row.start_at = _moment(start_at, zone)
    if stop_at:
        row.stop_at = _moment(stop_at, zone)
    if row.start_at is not None and row.stop_at is not None and row.stop_at <= row.start_at:
        raise CampaignError("the stop time must come after the start time")
    row.save()
    click.echo(f"campaign {name}: start {_shown(row.start_at, zone)}, "
               f"stop {_shown(row.stop_at, zone)} ({settings.timezone})")  # fmt: skip


def _moment(text: str, zone: ZoneInfo) -> float:
    """Return the UNIX time of "YYYY-MM-DD HH:MM" on a zone's clock; refuse anything else."""
    try:
        local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise CampaignError(f"{text!r} is not a time: use YYYY-MM-DD HH:MM") from None
    return local.replace(tzinfo=zone).timestamp()


def _shown(moment: float | None, zone: ZoneInfo) -> str:
    """Return a stored time as the command shows it ("-" for none)."""
    if moment is None:
        return "-"
    return datetime.fromtimestamp(moment, zone).strftime("%Y-%m-%d %H:%M")


@campaign.command("dnc")
@click.argument("number")
@click.option("--campaign", "campaign_name", default="", help="Only this campaign's list.")
@refusals
def dnc(number: str, campaign_name: str) -> None:
    """Put NUMBER on the do-not-call list (every campaign's, or one's)."""
    from appliance.store import campaigns

    settings = _open()
    row = _campaign(campaign_name) if campaign_name else None
    e164 = campaigns.add_dnc(number, settings.dialing.region, row)
    click.echo(f"{e164} is not to be called" + (f" by {campaign_name}" if row else ""))
