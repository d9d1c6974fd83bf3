"""Benchmarks (run: python3 .ci/bootstrap.py bench); each measures its floor in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.engines import backend_of


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


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, nearest-rank on the sorted list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a plain-text summary table to stderr."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [f"\n[benchmark] {title}"]
    for n, row in enumerate(cells):
        lines.append(
            "  "
            + "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    print("\n".join(lines), file=sys.stderr)


@pytest.fixture(scope="session")
def synthetic_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with a synthetic 10,000-treatment / 500,000-finding knowledge base.

    Built once per session (~20 s); tests that only read it may share it.
    """
    from tests.benchmarks.synthetic import build_synthetic_kb

    folder = tmp_path_factory.mktemp("synthetic") / "data"
    start = time.perf_counter()
    build_synthetic_kb(folder)
    print(
        f"\n[benchmark] synthetic knowledge base built in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return folder


@pytest.fixture(scope="session")
def shipped_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the shipped knowledge base built (first start done)."""
    from explorer.services.stores import open_stores

    folder = tmp_path_factory.mktemp("shipped") / "data"
    open_stores(backend_of(folder)).close()
    return folder
