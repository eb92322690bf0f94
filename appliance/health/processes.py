"""Sample CPU and memory of the supervisor's children with psutil."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import psutil

from appliance.supervisor.const import SUPERVISOR_STATE
from appliance.supervisor.statefile import read_json


class ProcessSampler:
    """Measure each child's process tree; keeps psutil objects so CPU % has a baseline."""

    def __init__(self, run_dir: Path | str) -> None:
        """Read the children from <run_dir>/supervisor.json."""
        self.state_file = Path(run_dir) / SUPERVISOR_STATE
        self._known: dict[int, psutil.Process] = {}

    def sample(self) -> dict[str, dict[str, Any]]:
        """Return {service: {pid, cpu_percent, rss_bytes, processes}} for running children."""
        state = read_json(self.state_file)
        children = state.get("children", {}) if isinstance(state, dict) else {}
        seen: set[int] = set()
        stats = {}
        for name, child in children.items():
            pid = child.get("pid") if isinstance(child, dict) else None
            if pid:
                stats[name] = self._tree_stats(int(pid), seen)
        self._known = {pid: p for pid, p in self._known.items() if pid in seen}
        return stats

    def _tree_stats(self, pid: int, seen: set[int]) -> dict[str, Any]:
        """Return the summed stats of pid and its descendants (gunicorn and kamailio fork)."""
        cpu, rss, count = 0.0, 0, 0
        for proc in self._tree(pid):
            with contextlib.suppress(psutil.Error):
                known = self._known.setdefault(proc.pid, proc)
                cpu += known.cpu_percent(None)  # since the previous sample; 0.0 the first time
                rss += known.memory_info().rss
                count += 1
                seen.add(proc.pid)
        return {"pid": pid, "cpu_percent": round(cpu, 1), "rss_bytes": rss, "processes": count}

    def _tree(self, pid: int) -> list[psutil.Process]:
        """Return pid's process and its descendants, or nothing if it is gone."""
        try:
            root = psutil.Process(pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []
