"""Run the real `callbox` command on a temporary box whose local hooks folder is the test's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]  # tests/support/ -> the checkout


class Box:
    """A temporary box: its var folder, local hooks and the environment callbox runs in."""

    def __init__(self, root: Path, **settings: str) -> None:
        self.root, self.var, self.local = root, root / "var", root / "local"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
        env.update({
            "CALLBOX_CONFIG": str(root / "etc" / "callbox.yml"),
            "CALLBOX_PATHS__VAR": str(self.var),
            "CALLBOX_HOOKS__LOCAL": str(self.local),
            "CALLBOX_HOOKS__TIMEOUT_SECONDS": "60",
        })  # fmt: skip
        env.update({"CALLBOX_" + key.upper(): value for key, value in settings.items()})
        self.env = env
        self.command = [sys.executable, "-m", "appliance.cli"]  # or a release's bin/callbox

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `callbox ARGS` on this box and return the finished process."""
        return subprocess.run(
            [*self.command, *args],
            cwd=REPO_ROOT, env={**self.env, **env}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    def ok(self, *args: str, **env: str) -> str:
        """Run `callbox ARGS`, assert it succeeded and return its stdout."""
        done = self.run(*args, **env)
        assert done.returncode == 0, f"callbox {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout

    def hook(self, event: str, name: str, body: str, mode: int = 0o755) -> Path:
        """Write a local shell hook for event."""
        path = self.local / f"{event}.d" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        path.chmod(mode)
        return path

    def log(self) -> str:
        """Return the hooks log."""
        return (self.var / "log" / "hooks.log").read_text(encoding="utf-8")
