"""A clinic database that lost its contents is explained, never started as a new clinic, and
its backups never push out the last ones that hold the consults (issue 18, defect 1)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.services.backup import BackupFailed, list_backups, make_backup
from explorer.services.clinic_db import ClinicDatabaseProblem, open_clinic_db, restore_clinic
from tests.backups.conftest import add_consults, consult_rows
from tests.engines import backend_of


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _at(day: int, hour: int = 9):
    return lambda: dt.datetime(2026, 11, day, hour)


def _lose_contents(data_dir: Path, how: str) -> None:
    """``clinic.sqlite`` replaced by an empty WAL-mode database (a copy made without its
    ``-wal`` after an unclean exit), or gone."""
    for side in ("", "-wal", "-shm", "-journal"):
        (data_dir / f"clinic.sqlite{side}").unlink(missing_ok=True)
    if how == "no tables":
        con = sqlite3.connect(data_dir / "clinic.sqlite")
        con.execute("PRAGMA journal_mode=WAL")
        con.close()


@pytest.mark.parametrize("how", ["no tables", "missing"])
@pytest.mark.parametrize("trace", ["backups", "a file set aside", "the wrong-PIN count"])
def test_a_clinic_file_that_lost_its_contents_is_explained_not_started_afresh(
    clinic_with_consults: Path, tmp_path: Path, capsys, how: str, trace: str
) -> None:
    """The same file a first start creates is a problem beside traces of a clinic: the
    window, `explorer backup` and headless commands say so with the newest good backup,
    nothing is written into it, and no backup is made of it."""
    fresh = tmp_path / "new-clinic"
    fresh.mkdir()
    _lose_contents(fresh, how)
    open_clinic_db(backend_of(fresh)).dispose()  # without traces it is a first start, as before
    assert consult_rows(fresh / "clinic.sqlite") == []

    data_dir = clinic_with_consults
    good = make_backup(backend_of(data_dir), "daily", clock=_at(25))
    clinic = data_dir / "clinic.sqlite"
    if trace == "a file set aside":
        shutil.move(good.path, data_dir / "clinic.sqlite.replaced-2026-11-25T090000")
    elif trace == "the wrong-PIN count":
        good.path.unlink()
        (data_dir / "pin-attempts.json").write_text('{"failed": 2, "blocked_until": null}')
    _lose_contents(data_dir, how)
    before = _digest(clinic) if clinic.exists() else None
    with pytest.raises(ClinicDatabaseProblem) as caught:
        open_clinic_db(backend_of(data_dir))
    message = str(caught.value)
    assert str(clinic) in message and "gone missing" in message
    if trace == "backups":
        assert caught.value.backup == good and f'explorer restore "{good.path}"' in message
    for command in (["backup"], ["audit"], ["pin", "reset"]):
        assert main(command) == 3, command
        assert "gone missing" in capsys.readouterr().err
    assert (_digest(clinic) if clinic.exists() else None) == before  # never written into
    assert list_backups(data_dir / "backups") == ([good] if trace == "backups" else [])


def test_a_backup_of_an_empty_database_is_refused(clinic_with_consults: Path) -> None:
    data_dir = clinic_with_consults
    good = make_backup(backend_of(data_dir), "daily", clock=_at(25))
    _lose_contents(data_dir, "no tables")
    with pytest.raises(BackupFailed, match="no tables at all"):
        make_backup(backend_of(data_dir), "manual", clock=_at(25, 17))
    assert list_backups(data_dir / "backups") == [good]


def test_restoring_over_an_emptied_file_keeps_it_as_damaged(clinic_with_consults: Path) -> None:
    data_dir = clinic_with_consults
    before = consult_rows(data_dir / "clinic.sqlite")
    good = make_backup(backend_of(data_dir), "daily", clock=_at(25))
    _lose_contents(data_dir, "no tables")
    restored = restore_clinic(backend_of(data_dir), good.path, clinician="x", clock=_at(26))
    assert restored.consults == 2 and consult_rows(data_dir / "clinic.sqlite") == before
    assert restored.kept_as == data_dir / "clinic.sqlite.damaged-2026-11-26T090000"


def test_a_poorer_backup_never_rotates_away_the_backups_that_hold_the_consults(
    data_dir: Path, capsys, caplog: pytest.LogCaptureFixture
) -> None:
    """An older copy of the clinic database took its place (here: a restore of a backup from
    before the consults): the day's richer backup is not replaced by the poorer one taken
    later that day, and the last backup holding consults outlives a year of poorer ones."""
    empty = make_backup(backend_of(data_dir), "daily", clock=_at(20))
    add_consults(data_dir)
    rich = make_backup(backend_of(data_dir), "daily", clock=_at(25, 8))
    restore_clinic(backend_of(data_dir), empty.path, clinician="x", clock=_at(25, 10))
    with caplog.at_level(logging.INFO, logger="explorer.services.backup"):
        poorer = make_backup(backend_of(data_dir), "manual", clock=_at(25, 17))
    kept = list_backups(data_dir / "backups")
    assert rich in kept and poorer in kept  # the policy alone keeps only the day's newest
    assert "holds 0 consults, fewer than the backup of" in poorer.note
    assert rich.describe() in poorer.note and f'explorer restore "{rich.path}"' in poorer.note
    assert "fewer than the backup of" in caplog.text

    clock = dt.datetime(2026, 11, 26, 9)
    for _ in range(140):  # more than a year of backups that hold no consults
        make_backup(backend_of(data_dir), "daily", clock=lambda when=clock: when)
        clock += dt.timedelta(days=3)
    kept = list_backups(data_dir / "backups")
    assert rich in kept and len(kept) <= 27  # the policy's 26, and the one holding consults
    assert len(consult_rows(rich.path)) == 2

    assert main(["backup"]) == 0
    out = capsys.readouterr().out
    assert "note: This backup holds 0 consults" in out and str(rich.path) in out
