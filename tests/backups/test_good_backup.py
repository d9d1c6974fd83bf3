"""One definition of a good backup, used by the list, the advice at a damaged start and the
restore: a backup whose only damage is in its indexes is offered and restored with them
rebuilt; one damaged beyond its indexes is neither offered nor restored (issue 18, defect 6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.services.backup import RestoreFailed, make_backup, newest_good_backup
from explorer.services.clinic_db import ClinicDatabaseProblem, open_clinic_db, restore_clinic
from tests.backups.conftest import add_consults, consult_rows
from tests.backups.damage import break_unique_index, damage, damage_index
from tests.engines import backend_of


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _integrity(path: Path) -> list[tuple[str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()


def _two_backups(data_dir: Path):
    older = make_backup(backend_of(data_dir), "daily", clock=lambda: dt.datetime(2026, 11, 24, 9))
    add_consults(data_dir)  # two consults share each label: a UNIQUE index cannot hold them
    newer = make_backup(backend_of(data_dir), "daily", clock=lambda: dt.datetime(2026, 11, 25, 9))
    return older, newer


def test_a_backup_with_a_damaged_index_is_offered_and_restored_with_it_rebuilt(
    clinic_with_consults: Path, capsys
) -> None:
    """Found in issue 18: the list (quick_check) advertised it, the restore (integrity_check)
    refused it, and the user had no way forward."""
    data_dir = clinic_with_consults
    _older, newer = _two_backups(data_dir)
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    damage_index(newer.path)
    damaged_bytes = _digest(newer.path)
    damage(clinic, "truncated")

    with pytest.raises(ClinicDatabaseProblem) as caught:
        open_clinic_db(backend_of(data_dir))
    assert caught.value.backup == newer  # the advice
    assert main(["backup", "--list"]) == 0
    listed = capsys.readouterr().out
    assert str(newer.path) in listed and "cannot be restored" not in listed  # the list
    assert main(["restore", str(newer.path)]) == 0  # the restore
    out = capsys.readouterr().out
    assert "4 consults" in out and "indexes were rebuilt" in out
    assert consult_rows(clinic) == before
    assert _integrity(clinic) == [("ok",)]
    assert _digest(newer.path) == damaged_bytes  # the backup itself is not changed
    assert main(["audit"]) == 0


def test_a_backup_damaged_beyond_its_indexes_is_neither_offered_nor_restored(
    clinic_with_consults: Path, capsys
) -> None:
    data_dir = clinic_with_consults
    older, newer = _two_backups(data_dir)
    break_unique_index(newer.path)  # passes quick_check, fails integrity_check for good
    clinic = data_dir / "clinic.sqlite"
    damage(clinic, "random bytes")
    bad = _digest(clinic)

    assert newest_good_backup(backend_of(data_dir)) == older
    with pytest.raises(ClinicDatabaseProblem) as caught:
        open_clinic_db(backend_of(data_dir))
    assert caught.value.backup == older
    assert main(["backup", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.endswith("damaged, cannot be restored") for line in lines] == [True, False]
    with pytest.raises(RestoreFailed, match="damaged beyond its indexes") as refused:
        restore_clinic(backend_of(data_dir), newer.path, clinician="x")
    assert "Nothing was changed" in str(refused.value) and "non-unique" in str(refused.value)
    assert _digest(clinic) == bad
    assert not list(data_dir.glob("clinic.sqlite.*")) and not list(data_dir.glob(".*partial*"))
    restored = restore_clinic(backend_of(data_dir), older.path, clinician="x")
    assert restored.consults == 2 and not restored.indexes_rebuilt
