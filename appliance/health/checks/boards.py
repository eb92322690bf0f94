"""Check that every configured line board started and every port can carry calls.

Reads the status the board registry leaves in `<run>/boards.json` (appliance/boards/
registry.py): a board that did not start, or a port with problems (no SIM, no signal,
a line alarm, a silent module), is one finding each. No file: no boards started.
"""

from __future__ import annotations

import json
from typing import Any

from appliance.boards.registry import STATUS_FILE
from appliance.config import Settings
from appliance.health.result import CheckResult, Finding

NAME = "boards"
ALERT_PREFIXES = ("board.",)


def check(settings: Settings) -> CheckResult:
    """Return healthy unless a board did not start or a port cannot carry calls."""
    path = settings.run_dir / STATUS_FILE
    if not path.exists():
        return CheckResult.passed("no line boards started")
    try:
        boards = json.loads(path.read_text())["boards"]
    except (ValueError, KeyError, TypeError) as error:
        return CheckResult.failed(f"{path} is unreadable: {error}")
    findings = [_not_started(b) for b in boards if b["state"] != "ready"]
    findings += [_port(p) for b in boards for p in b.get("ports", []) if not p["ok"]]
    if findings:
        return CheckResult.failed("; ".join(f.detail for f in findings), tuple(findings))
    ports = sum(len(b.get("ports", [])) for b in boards)
    return CheckResult.passed(f"{len(boards)} board(s), {ports} port(s), all ready")


def _not_started(board: dict[str, Any]) -> Finding:
    """Return the alert for a board that is invalid, unavailable or failed."""
    params = {"board": board["name"], "state": board["state"]}
    detail = f"board {board['name']} ({board['type']}) {board['state']}: {board['detail']}"
    return Finding(f"board.{board['name']}", "board_not_started", params, detail)


def _port(port: dict[str, Any]) -> Finding:
    """Return the alert for a port with problems."""
    params = {"port": port["port"], "problems": port["problems"]}
    detail = f"line {port['port']}: {', '.join(port['problems'])}"
    return Finding(f"board.{port['port']}", "board_port_down", params, detail)
