"""A restore killed midway leaves its hidden, full-size temporary copy only until the data
folder is next opened once it is stale; nothing else is ever removed (issue 18, defect 8)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from explorer.services.backup import make_backup
from explorer.services.clinic_db import open_clinic_db, restore_clinic
from explorer.store.sqlite_copy import STALE_PARTIAL_SECONDS
from tests.backups.conftest import consult_rows
from tests.conftest import REPO
from tests.engines import backend_of

KILLED_MID_COPY = """
import os, signal, sqlite3, sys
from pathlib import Path
from explorer.services.clinic_db import restore_clinic
from explorer.store.backend import backend_from_arguments
from explorer.store import sqlite_copy

def killed_midway(source, temp):  # the PC switched off after the first page of the copy
    dst = sqlite3.connect(temp)
    sqlite3.connect(source).backup(
        dst, pages=1, progress=lambda *_: os.kill(os.getpid(), signal.SIGKILL)
    )

sqlite_copy._copy_pages = killed_midway
restore_clinic(backend_from_arguments(sys.argv[1]), Path(sys.argv[2]), clinician="x")
"""


def _hidden(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith(".")}


def _age(path: Path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_a_killed_restore_leaves_no_hidden_copy_behind(clinic_with_consults: Path) -> None:
    data_dir = clinic_with_consults
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    backup = make_backup(backend_of(data_dir), "manual")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_COPY, str(data_dir), str(backup.path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = _hidden(data_dir)
    assert any(n.endswith(".partial") for n in left), left  # the copy, private and hidden
    assert any(n.endswith(".partial-journal") for n in left), left  # and its journal
    assert consult_rows(clinic) == before  # the restore never got as far as the clinic file

    legacy = data_dir / ".clinic.sqlite.restoring"  # where earlier versions staged the copy
    legacy.write_bytes(backup.path.read_bytes())
    pin_count = data_dir / ".pin-attempts.json.k3j9x2a1.tmp"  # a killed atomic write
    pin_count.write_text('{"failed": 4}')
    someone_elses = data_dir / ".clinic.sqlite.notes"  # not a name our copies use: kept
    someone_elses.write_bytes(b"keep me")
    for name in (*left, legacy.name, pin_count.name, someone_elses.name):
        _age(data_dir / name, STALE_PARTIAL_SECONDS + 60)
    running = data_dir / ".clinic.sqlite.abcd1234.partial"  # a restore running right now
    running.write_bytes(b"half a copy")

    open_clinic_db(backend_of(data_dir)).dispose()  # the next start clears what the killed one left
    assert _hidden(data_dir) == {running.name, someone_elses.name}
    assert consult_rows(clinic) == before

    _age(running, STALE_PARTIAL_SECONDS + 60)  # that restore was killed too
    restored = restore_clinic(
        backend_of(data_dir), backup.path, clinician="x"
    )  # and a restore clears it
    assert restored.consults == 2
    assert _hidden(data_dir) == {someone_elses.name}
