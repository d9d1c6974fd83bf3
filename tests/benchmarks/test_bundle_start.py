"""Start-up of the bundle against the source run, in the same run: first paint of the
window from the PyInstaller bundle vs ``python -m explorer`` from the virtual environment.

The bundle is ``$EXPLORER_BUNDLE``, else dist/spine-treatment-explorer (build it with
``python3 .ci/bootstrap.py package``). Each start has a fresh home folder holding a copy of
an initialised data folder; the first paint is seen from outside, as the log folder that
the window creates right after it (tests/packaging/conftest.py). The source run has its
bytecode cached (``PYTHONPYCACHEPREFIX``, filled by the warm-up), as an installed
application would. Runs alternate; medians of 7 after one warm-up each.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
from pathlib import Path

import pytest

from tests.benchmarks.conftest import report, table
from tests.packaging.conftest import EXE, REPO, bare_env, data_folder, start_and_stop

RUNS = 7
WARMUP = 1


@pytest.fixture(scope="module")
def bundle() -> Path:
    folder = Path(os.environ.get("EXPLORER_BUNDLE") or REPO / "dist" / "spine-treatment-explorer")
    if not (folder / EXE).is_file():
        pytest.skip(f"no bundle in {folder}: python3 .ci/bootstrap.py package")
    return folder


def test_bundle_first_paint_against_source_run(bundle, shipped_data_dir, tmp_path) -> None:
    pycache = tmp_path / "pycache"
    commands = {
        "source": [sys.executable, "-m", "explorer"],
        "bundle": [str(bundle / EXE)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(WARMUP + RUNS):
        for name, command in commands.items():
            home = tmp_path / f"{name}-{i}"
            shutil.copytree(shipped_data_dir, data_folder(home))
            env = bare_env(home)
            if name == "source":
                env["PYTHONPYCACHEPREFIX"] = str(pycache)
            painted, log = start_and_stop(command, env, home, settle=False)
            assert "Traceback" not in log, log
            if i >= WARMUP:
                times[name].append(painted)
    floor = statistics.median(times["source"])
    measured = statistics.median(times["bundle"])
    report("first paint of the bundle", measured, floor, "python -m explorer")
    table(
        f"process start → first paint, medians of {RUNS} runs (ms)",
        ["process", "first paint", "min", "max", "ratio"],
        [
            [
                label,
                f"{statistics.median(times[name]) * 1000:.0f}",
                f"{min(times[name]) * 1000:.0f}",
                f"{max(times[name]) * 1000:.0f}",
                f"{statistics.median(times[name]) / floor:.2f}x",
            ]
            for name, label in (("source", "python -m explorer (floor)"), ("bundle", "bundle"))
        ],
    )
    # The bundle must not lose the start-up speed (one folder, nothing unpacked at start).
    assert measured < 1.5 * floor
