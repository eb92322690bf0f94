"""`callbox boards detect | check FILE | status | hotplug`: the line boards by hand
(docs/boards.md); `hotplug` is what the udev rule runs when a board's device comes or
goes (appliance/boards/udev/90-callbox-boards.rules)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import yaml

from appliance.boards.dahdi import detect
from appliance.boards.registry import STATUS_FILE, Registry
from appliance.config import load
from appliance.engine.control import ControlClient, ControlError, EngineUnavailable


@click.group()
def boards() -> None:
    """Find, try and show the line boards (docs/boards.md)."""


@boards.command("detect")
@click.option("--root", default="/", show_default=True, help="where /proc, /sys and /dev are")
def detect_boards(root: str) -> None:
    """List the DAHDI spans, their analog channels and devices, as dahdi_genconf sees them."""
    spans = detect.spans(Path(root))
    if not spans:
        click.echo(f"no DAHDI spans under {Path(root) / 'proc' / 'dahdi'}")
    for span in spans:
        alarms = f"  alarms: {', '.join(span.alarms)}" if span.alarms else ""
        click.echo(f'span {span.number}: {span.name} "{span.description}"{alarms}')
        for channel in span.channels:
            kind = channel.kind.value if channel.kind else "not configured (run dahdi_cfg)"
            click.echo(f"  channel {channel.number:>3} {channel.name:<16} {kind}")
    for device in detect.devices(Path(root)):
        click.echo(f"device {device['name']}: {device['manufacturer']} {device['type']}".rstrip())


@boards.command("check")
@click.argument("config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_boards(config_file: Path) -> None:
    """Start the boards of a YAML list, show how each went, and close them again."""
    configs = _read_list(config_file)
    registry = Registry()
    try:
        statuses = registry.load(configs)
    finally:
        registry.close()
    for status in statuses:
        _show(status.as_dict())
    if any(s.state.value != "ready" or not all(h.ok for h in s.health) for s in statuses):
        raise SystemExit(1)


@boards.command("status")
def status_boards() -> None:
    """Show the status the running box left in <run>/boards.json."""
    path = load().run_dir / STATUS_FILE
    if not path.exists():
        click.echo("no line boards started")
        return
    for board in json.loads(path.read_text())["boards"]:
        _show(board)


def _read_list(config_file: Path) -> list[Any]:
    """Return the boards a YAML file lists; refuse anything but a list, saying so."""
    try:
        data = yaml.safe_load(config_file.read_text())
    except yaml.YAMLError as error:
        raise click.ClickException(f"{config_file} is not YAML: {error}") from None
    if not isinstance(data, list):
        raise click.ClickException(f"{config_file} must be a list of boards (- name: … type: …)")
    return data


def _show(board: dict[str, Any]) -> None:
    """Print one board's status and its ports' health."""
    detail = f": {board['detail']}" if board["detail"] else ""
    click.echo(f"{board['name']} ({board['type']}) {board['state']}{detail}")
    for port in board["ports"]:
        problems = ", ".join(port["problems"]) or "ok"
        click.echo(f"  {port['port']}: {problems}")


@boards.command("hotplug")
@click.option("--action", envvar="ACTION", required=True, help="add or remove (udev's ACTION)")
@click.option("--devname", envvar="DEVNAME", default="", help="the device node (udev's DEVNAME)")
@click.option("--id-vendor", envvar="ID_VENDOR_ID", default="", help="its USB vendor ID")
@click.option("--timeout", default=25.0, show_default=True, help="seconds to wait for the engine")
def hotplug_boards(action: str, devname: str, id_vendor: str, timeout: float) -> None:
    """Tell the running engine a board's device came or went (run by the udev rule)."""
    if action not in ("add", "remove", "change"):
        raise click.ClickException(f"--action must be add, remove or change, not {action!r}")
    socket = load().engine.control_socket
    try:
        answer = ControlClient(socket, timeout=timeout).call(
            "boards.rescan", action=action, devname=devname, id_vendor=id_vendor
        )
    except EngineUnavailable:
        # not running: it starts the boards there are when it starts
        click.echo(f"engine not running ({socket}): nothing to rescan")
        return
    except ControlError as error:
        raise click.ClickException(f"boards.rescan: {error}") from None
    added, removed = answer["added"], answer["removed"]
    click.echo(f"{action} {devname or '-'}: added {', '.join(added) or 'none'}, "
               f"removed {', '.join(removed) or 'none'}")  # fmt: skip
    for board in answer["boards"]:
        _show(board)
