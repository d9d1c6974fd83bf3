"""SQLite's "database is locked" (another window holds the write lock past the wait) is a
busy database, not one that refuses writes: the PIN is not checked read-only then, and a
clinic upgrade that meets the lock is not "rolled back" (found in review)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from explorer.errors import UserFacingError
from explorer.services.clinic_db import open_clinic_db
from explorer.services.pin_service import AccessService
from explorer.services.stores import open_stores
from explorer.store.backend import migrate
from explorer.store.problems import DatabaseProblem
from tests.backups.conftest import add_consults, consult_rows, install_c0004
from tests.engines import backend_for, backend_of

HARMLESS_UPGRADE = """\
    with op.batch_alter_table("consult") as batch_op:
        batch_op.add_column(sa.Column("extra", sa.Text(), nullable=True))
"""


def _failed_attempts(clinic: Path) -> int:
    with sqlite3.connect(clinic) as connection:
        return int(connection.execute("SELECT failed_attempts FROM clinician_access").fetchone()[0])


def test_a_pin_typed_while_another_window_holds_the_write_lock_is_not_checked_read_only(
    data_dir: Path,
) -> None:
    stores = open_stores(backend_for(data_dir))
    other = sqlite3.connect(data_dir / "clinic.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseProblem) as busy:
            AccessService(stores.clinic).check("0000")  # waits 5 s, then "in use"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert busy.value.locked and not busy.value.writes_refused
    assert not AccessService(stores.clinic).check("0000").ok  # once free: counted
    stores.close()
    assert _failed_attempts(data_dir / "clinic.sqlite") == 1


def test_an_upgrade_meeting_another_windows_lock_is_not_rolled_back(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_consults(data_dir)
    install_c0004(HARMLESS_UPGRADE, tmp_path / "migrations", monkeypatch)
    monkeypatch.setattr(migrate, "MIGRATION_WAIT_MS", 300)
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    other = sqlite3.connect(clinic, isolation_level=None)  # an older window, writing
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE consult SET plan = 'written by the other window'")
    try:
        with pytest.raises(UserFacingError) as caught:
            open_clinic_db(backend_of(data_dir))
    finally:
        other.execute("COMMIT")
        other.close()
    message = str(caught.value)
    assert "in use" in message and "rolled back" not in message and "restore" not in message
    assert consult_rows(clinic) != before  # the other window's write is there, not undone
    assert not list(data_dir.glob("clinic.sqlite.failed-upgrade-*"))
