"""Benchmarks (run: python3 .ci/bootstrap.py bench); each measures its floor in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence


def median_seconds(
    command: Sequence[str], *, runs: int = 7, env: dict[str, str] | None = None, warmup: int = 1
) -> float:
    """Median wall-clock time of a whole process, after ``warmup`` unmeasured runs."""
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, measured: float, floor: float, floor_name: str) -> None:
    print(
        f"\n[benchmark] {name}: {measured * 1000:.0f} ms; floor ({floor_name}) "
        f"{floor * 1000:.0f} ms; ratio {measured / floor:.2f}x",
        file=sys.stderr,
    )
