"""Benchmark prompt generation: how long a new box takes to speak every prompt.

A box without its prompt files synthesizes them at first start (espeak-ng + sox); this
prints the files written, the seconds it took, and the seconds per file.  Bounded: one
generation into a temporary folder, --rounds times (default 1).

    .venv/bin/python bench/prompts.py [--rounds 1]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from appliance.prompts.manager import generate_missing


def one_round() -> tuple[int, float]:
    """Generate every prompt into an empty folder; return the files written and seconds."""
    with tempfile.TemporaryDirectory(prefix="callbox-bench-prompts-") as folder:
        started = time.monotonic()
        files = generate_missing(Path(folder))
        return len(files), time.monotonic() - started


def main() -> None:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    seconds: list[float] = []
    files = 0
    for _ in range(max(1, args.rounds)):
        files, taken = one_round()
        seconds.append(taken)
    median = statistics.median(seconds)
    print(f"prompt files       {files}")
    print(f"seconds (median)   {median:.2f}  over {len(seconds)} round(s)")
    print(f"ms per file        {1000 * median / max(files, 1):.1f}")


if __name__ == "__main__":
    main()
