"""How long the command line takes, as a ratio of a bare Python process."""

from __future__ import annotations

import os
import sys

from tests.benchmarks.conftest import median_seconds, report


def test_kb_list_process_against_bare_python(tmp_path) -> None:
    env = dict(os.environ, EXPLORER_DATA_DIR=str(tmp_path / "data"))
    # First start builds the knowledge base; the benchmark measures the warm case after it.
    median_seconds(
        [sys.executable, "-m", "explorer", "kb", "list", "--json"], runs=1, env=env, warmup=0
    )
    floor = median_seconds([sys.executable, "-c", "import json, sqlite3"], env=env)
    measured = median_seconds([sys.executable, "-m", "explorer", "kb", "list", "--json"], env=env)
    report("explorer kb list --json (warm data dir)", measured, floor, "bare python + sqlite3")
    assert measured > floor


def test_first_start_build_against_warm_start(tmp_path) -> None:
    warm_env = dict(os.environ, EXPLORER_DATA_DIR=str(tmp_path / "warm"))
    median_seconds([sys.executable, "-m", "explorer", "kb", "list"], runs=1, env=warm_env, warmup=0)
    warm = median_seconds([sys.executable, "-m", "explorer", "kb", "list"], runs=5, env=warm_env)
    cold_times = []
    for i in range(3):
        env = dict(os.environ, EXPLORER_DATA_DIR=str(tmp_path / f"cold{i}"))
        cold_times.append(
            median_seconds(
                [sys.executable, "-m", "explorer", "kb", "list"], runs=1, env=env, warmup=0
            )
        )
    cold = sorted(cold_times)[1]
    report("first start (create, migrate, fill) vs warm start", cold, warm, "warm kb list")
    assert cold > 0
