"""Scratch folders holding copies of clinic data do not outlive a killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from explorer.store.scratch import PREFIX, private_scratch, remove_stale_scratch

HOLDER = """
import sys, time
from pathlib import Path
from explorer.store.scratch import private_scratch
with private_scratch(Path(sys.argv[1])) as folder:
    (folder / "clinic.sqlite").write_bytes(b"consults")
    print(folder, flush=True)
    time.sleep(60)
"""


def _start_holder(root: Path) -> tuple[subprocess.Popen[str], Path]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    return child, Path(child.stdout.readline().strip())


def test_a_killed_process_leaves_its_scratch_folder_until_the_next_one(tmp_path: Path) -> None:
    child, folder = _start_holder(tmp_path)
    try:
        assert (folder / "clinic.sqlite").exists()
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
        assert remove_stale_scratch(tmp_path) == []  # alive: never touched
        assert folder.exists()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert folder.exists()  # no clean-up ran in the killed process
        with private_scratch(tmp_path) as mine:
            assert not folder.exists()  # swept before a new one is made
            assert mine.exists()
        assert not mine.exists()
    finally:
        child.kill()
        child.wait(10)


def test_folders_that_are_not_scratch_folders_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / f"{PREFIX}by-hand").mkdir()  # no lock file: not one of ours
    (tmp_path / f"{PREFIX}by-hand" / "data").write_text("keep")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (tmp_path / f"{PREFIX}link").symlink_to(other)
    assert remove_stale_scratch(tmp_path) == []
    assert (tmp_path / f"{PREFIX}by-hand" / "data").read_text() == "keep"
    assert other.exists()
