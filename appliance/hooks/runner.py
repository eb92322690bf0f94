"""Run an event's hooks in name order, each with a timeout, its output logged.

Each hook runs in its own process group (session) so a timeout kills everything it
started, not only the script.  Output (stdout and stderr together) goes to a temporary
file rather than a pipe: a grandchild that escapes and keeps the pipe open cannot make
the runner wait.  A failing or timed-out hook of a `pre-*` event raises `HookFailed`
and the hooks after it do not run; a failing hook of any other event is logged as an
error and returned, and the others still run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from appliance import __version__
from appliance.config import Settings
from appliance.hooks.const import ENV_PREFIX, KILL_GRACE_SECONDS, Event
from appliance.hooks.discovery import Hook, callbox_bin, event, runnable
from appliance.hooks.exceptions import HookFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HookResult:
    """How one hook ended."""

    hook: Hook
    returncode: int | None  # None: killed at its timeout
    started_at: float  # wall clock
    seconds: float
    output: str

    @property
    def ok(self) -> bool:
        """Return true if the hook exited with status 0."""
        return self.returncode == 0

    @property
    def reason(self) -> str:
        """Return how the hook ended, in words."""
        if self.returncode is None:
            return f"timed out after {self.seconds:.0f} s (killed)"
        if self.returncode < 0:
            return f"was killed by signal {-self.returncode}"
        return "succeeded" if self.ok else f"failed with exit status {self.returncode}"


def environment(settings: Settings, which: Event, extra: dict[str, str]) -> dict[str, str]:
    """Return the environment of a hook: ours, the documented variables, callbox on PATH."""
    env = dict(os.environ)
    variables = {
        "EVENT": which.value,
        "VAR": settings.paths.var,
        "DATABASE": settings.paths.database,
        "BACKUPS": settings.paths.backups,
        "CONFIG": os.environ.get("CALLBOX_CONFIG", "/etc/callbox/callbox.yml"),
        "VERSION": __version__,
        "LOG": settings.hooks.log_file,
        "HEALTH_CHECKS": ",".join(settings.hooks.health_checks),
        **extra,
    }
    env.update({ENV_PREFIX + key: value for key, value in variables.items()})
    folder = callbox_bin()
    if folder is not None:
        env["PATH"] = f"{folder}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    return env


def run_event(
    settings: Settings,
    name: str,
    extra: dict[str, str] | None = None,
    timeout: float | None = None,
) -> list[HookResult]:
    """Run the event's hooks; raise HookFailed at the first failing `pre-*` hook."""
    which = event(name)
    env = environment(settings, which, extra or {})
    limit = settings.hooks.timeout_seconds if timeout is None else timeout
    results = []
    for hook in runnable(settings, which):
        env[ENV_PREFIX + "NAME"] = hook.name
        result = run_hook(hook, env, limit)
        _record(settings, which, result)
        results.append(result)
        if not result.ok and which.aborts:
            said = result.output.strip().splitlines()[-1:] or [""]
            raise HookFailed(
                which.value, str(hook.path), result.reason, settings.hooks.log_file, said[0][:200]
            )
    return results


def run_hook(hook: Hook, env: dict[str, str], timeout: float) -> HookResult:
    """Run one hook to its end or its timeout and return how it ended."""
    started, wall = time.monotonic(), time.time()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [str(hook.path)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: a timeout kills all of it
        )
        try:
            returncode: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            returncode = None
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    return HookResult(hook, returncode, wall, time.monotonic() - started, text)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a hook's whole process group: SIGTERM, then SIGKILL after a grace period."""
    _signal_group(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=KILL_GRACE_SECONDS)
    _signal_group(process.pid, signal.SIGKILL)  # whatever of the group is still there
    process.wait()


def _signal_group(group: int, sig: signal.Signals) -> None:
    """Send sig to a process group that may already be gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


def _record(settings: Settings, which: Event, result: HookResult) -> None:
    """Append the hook's output and outcome to the hooks log file and to logging."""
    name = f"{which.value}/{result.hook.name}"
    level = logging.INFO if result.ok else logging.ERROR
    for line in result.output.splitlines():
        log.log(level, "hook %s: %s", name, line)
    log.log(level, "hook %s (%s) %s in %.1f s", name, result.hook.origin, result.reason,
            result.seconds)  # fmt: skip
    path = Path(settings.hooks.log_file)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    # 0600: a hook may print a secret (the first-boot hook prints the setup token).
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    began = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(result.started_at))
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    with path.open("a", encoding="utf-8") as stream:
        stream.write(f"{began} UTC {name} ({result.hook.path}) start\n")
        stream.write(result.output if result.output.endswith("\n") or not result.output
                     else result.output + "\n")  # fmt: skip
        stream.write(f"{stamp} UTC {name} {result.reason} in {result.seconds:.1f} s\n")
