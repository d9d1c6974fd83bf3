"""The window on a full disk and at start: the clinic database's problem is named (full,
not damaged), no restore is offered for it (a restore offered for real damage asks for the
PIN first: test_damaged_data.py), and the data folder is made private (issue 18)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.services.test_disk_problems import SQLITE_IOERR_SHMSIZE, _sqlite_error
from tests.services.test_private_data import opened_up
from tests.ui.helpers import close_window, open_window

pytestmark = pytest.mark.sqlite_only


def _fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the disk has no free space, and SQLite cannot open ``clinic.sqlite``
    read-only for its check (the I/O error it gives when it cannot grow its -shm file)."""
    real_connect = sqlite3.connect

    def connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if "mode=ro" in str(database) and "clinic.sqlite" in str(database):
            raise _sqlite_error(SQLITE_IOERR_SHMSIZE, "SQLITE_IOERR_SHMSIZE")
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: shutil._ntuple_diskusage(10**9, 10**9, 0))


def test_a_full_disk_at_start_says_full_and_offers_no_restore(
    qtbot, data_dir: Path, settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.wait_for_backup()
        window.clinic.close_database()  # as if the window had started on the full disk
        _fill_the_disk(monkeypatch)
        assert not window.open_clinic()
        assert window.backups.restore_dialog is None  # a restore does not free disk space
        shown = window.consult_lock.text.text()
        assert "the disk is full" in shown and "damaged" not in shown, shown
        assert "explorer restore" not in shown
        assert "the disk is full" in window.current_dialog.text()
    finally:
        close_window(window)


@pytest.mark.skipif(os.name != "posix", reason="Windows keeps them private by ACLs")
def test_the_window_start_makes_the_clinic_data_private(
    qtbot, data_dir: Path, settings_file: Path
) -> None:
    files = opened_up(data_dir)
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert [p.name for p in files if p.stat().st_mode & 0o777 != 0o600] == []
        assert (data_dir / "backups").stat().st_mode & 0o777 == 0o700
        assert data_dir.stat().st_mode & 0o777 == 0o700
    finally:
        close_window(window)
