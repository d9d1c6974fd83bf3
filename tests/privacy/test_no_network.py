"""The application opens no network socket: start, consult, charts, PDF export, patient
mode — watched from inside the process by two independent means (see network_child.py),
and Qt's network module is never even loaded.

Limits: a socket opened and closed by C++ code between two /proc snapshots would escape the
second watcher; no C++ code here can open one without QtNetwork (asserted not loaded) or a
platform plugin (the offscreen one opens none)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_PIN

CHILD = Path(__file__).with_name("network_child.py")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_whole_application_opens_no_network_socket(data_dir, tmp_path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, str(CHILD), str(data_dir), str(tmp_path), TEST_PIN],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["pdf_written"]  # the run really went through export
    # the watchers work: the deliberate socket at the end was seen by both
    assert any("socket.__new__" in e for e in report["control_events"])
    assert report["control_sockets"]
    # and the application itself made no network call of any kind
    network = [e for e in report["app_events"] if "AF_UNIX" not in e]
    assert network == []
    assert report["app_sockets"] == []
    assert not report["qt_network_loaded"]
