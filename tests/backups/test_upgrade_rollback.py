"""Upgrades of the clinic database: a verified backup first; a failed upgrade puts that
backup back, keeps the failed file aside and says so; no backup, no upgrade."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.services import backup
from explorer.services.backup import BackupFailed, list_backups
from explorer.services.clinic_db import MigrationRolledBack, open_clinic_db
from explorer.store.backend import migrate
from tests.backups.conftest import consult_rows, install_c0004
from tests.engines import backend_of

BROKEN_UPGRADE = """\
    with op.batch_alter_table("consult") as batch_op:
        batch_op.add_column(sa.Column("extra", sa.Text(), nullable=True))
    op.execute("UPDATE consult SET notes_html = 'overwritten by a bad upgrade'")
    raise RuntimeError("simulated failure in the middle of c0004")
"""


@pytest.fixture
def broken_c0004(  # request it after the data folder is ready: it changes the head
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped clinic revisions plus a c0004 that fails half-way, as the head."""
    install_c0004(BROKEN_UPGRADE, tmp_path / "migrations", monkeypatch)


def _revision(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def _clock() -> dt.datetime:
    return dt.datetime(2026, 11, 26, 10, 15, 0)


def test_a_revision_failing_midway_leaves_the_data_as_before_and_says_so(
    clinic_with_consults: Path, broken_c0004: None
) -> None:
    data_dir = clinic_with_consults
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    with pytest.raises(MigrationRolledBack) as caught:
        open_clinic_db(backend_of(data_dir), clock=_clock)
    message = str(caught.value)
    assert "simulated failure in the middle of c0004" in message
    assert "rolled back" in message and "exactly as before" in message
    assert "clinic-2026-11-26T101500-before-upgrade-c0004.sqlite" in message
    assert consult_rows(clinic) == before
    assert _revision(clinic) == "c0003"
    (safety,) = list_backups(data_dir / "backups")
    assert safety.reason == "before-upgrade-c0004" and consult_rows(safety.path) == before
    assert (data_dir / "clinic.sqlite.failed-upgrade-2026-11-26T101500").exists()


def test_an_upgrade_that_damages_data_before_failing_is_undone_from_the_backup(
    clinic_with_consults: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """An upgrade step outside the transaction (it commits, then fails): only the
    pre-upgrade backup can undo it."""
    data_dir = clinic_with_consults
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    monkeypatch.setitem(migrate.HEADS, "clinic", "c0004")

    def committing_then_failing_upgrade(engine, kind, target="head") -> bool:
        con = sqlite3.connect(clinic)
        with con:
            con.execute("UPDATE consult SET notes_html = '', plan = 'lost'")
            con.execute("DELETE FROM consult WHERE id = 1")
        con.close()
        raise RuntimeError("disk went away during the upgrade")

    monkeypatch.setattr(migrate, "upgrade", committing_then_failing_upgrade)
    assert main(["audit"]) == 3
    err = capsys.readouterr().err
    assert "rolled back" in err and "disk went away during the upgrade" in err
    assert consult_rows(clinic) == before
    kept = [p for p in data_dir.glob("clinic.sqlite.failed-upgrade-*") if "-wal" not in p.name]
    assert len(kept) == 1 and len(consult_rows(kept[0])) == 1  # the failed file, for support


def test_no_verified_backup_means_no_upgrade(
    clinic_with_consults: Path, broken_c0004: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = clinic_with_consults
    blocker = data_dir.parent / "backups-is-a-file"
    blocker.write_text("x")
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(blocker))
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    with pytest.raises(BackupFailed) as caught:
        open_clinic_db(backend_of(data_dir))
    assert "needs an upgrade (schema c0003 → c0004)" in str(caught.value)
    assert "Nothing was changed" in str(caught.value)
    assert _revision(clinic) == "c0003" and consult_rows(clinic) == before


def test_a_new_database_needs_no_backup_before_its_first_migration(tmp_path: Path) -> None:
    open_clinic_db(backend_of(tmp_path)).dispose()
    assert _revision(tmp_path / "clinic.sqlite") == migrate.HEADS["clinic"]
    assert not (tmp_path / "backups").exists()


def test_a_failed_upgrade_tried_at_every_start_keeps_only_the_newest_failed_files(
    clinic_with_consults: Path, broken_c0004: None
) -> None:
    """Every start tries the upgrade again (a fixed version may have been installed); the
    failed files it leaves hold the same data, so only the newest two stay."""
    data_dir = clinic_with_consults
    before = consult_rows(data_dir / "clinic.sqlite")
    for minute in range(5):
        with pytest.raises(MigrationRolledBack):
            open_clinic_db(
                backend_of(data_dir), clock=lambda m=minute: dt.datetime(2026, 11, 26, 10, m)
            )
    failed = sorted(
        p.name for p in data_dir.glob("clinic.sqlite.failed-upgrade-*") if "-wal" not in p.name
    )
    assert failed == [
        "clinic.sqlite.failed-upgrade-2026-11-26T100300",
        "clinic.sqlite.failed-upgrade-2026-11-26T100400",
    ]
    assert consult_rows(data_dir / "clinic.sqlite") == before
    assert 1 <= len(list_backups(data_dir / "backups")) <= 3  # the safety copies rotate
