"""The commands an upgrade runs: the services' stop/start and the releases' own `callbox`.

Each runs in a session of its own with a timeout; past it the whole process group is
killed (as hooks are).  A failure raises UpgradeError with the command's last lines.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from appliance.hooks.runner import kill_group
from appliance.upgrade.exceptions import UpgradeError

Say = Callable[[str], object]
TAIL_LINES = 12


def environment() -> dict[str, str]:
    """Return the environment of a release's command: ours, and the interpreter to use."""
    # A release made from a source tree runs on this interpreter (its own venv, if it has
    # one, comes first: see the release's bin/callbox).
    return {**os.environ, "CALLBOX_PYTHON": sys.executable}


def run(argv: list[str], what: str, timeout: float, say: Say) -> None:
    """Run argv to its end or its timeout; raise UpgradeError unless it exits 0."""
    with tempfile.TemporaryFile() as output:
        try:
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                env=environment(), start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            raise UpgradeError(f"{what}: cannot run {argv[0]} ({exc.strerror})") from None
        try:
            returncode: int | None = process.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            kill_group(process)
            returncode = None
        output.seek(0)
        lines = output.read().decode("utf-8", errors="replace").splitlines()
    for line in lines:
        say(f"  | {line}")
    if returncode != 0:
        how = f"timed out after {timeout:.0f} s" if returncode is None else f"exit {returncode}"
        failed = [i for i, line in enumerate(lines) if line.startswith(("FAILED", "callbox:"))]
        shown = lines[failed[0] :] if failed else lines  # the hooks' verdicts: from the first bad
        tail = " / ".join(line.strip(" |") for line in shown[-TAIL_LINES:]) or "no output"
        raise UpgradeError(f"{what} failed ({how}): {tail}")


def service_command(command: str, what: str, say: Say, timeout: float) -> None:
    """Run the configured stop or start command; an empty one means nothing to do."""
    if not command.strip():
        return
    say(f"{what}: {command}")
    run(shlex.split(command), what, timeout, say)


def release_command(callbox: Path, args: list[str], what: str, timeout: float, say: Say) -> None:
    """Run a release's own `callbox ARGS`."""
    say(f"{callbox} {' '.join(args)}")
    run([str(callbox), *args], what, timeout, say)
