"""Restore, and the start-up check of the clinic database without a window: a damaged,
truncated, foreign or locked file is reported with its path and the newest good backup,
never overwritten; `explorer restore` puts the backup back and keeps the bad file aside."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.services.backup import RestoreFailed, list_backups, make_backup
from explorer.services.clinic_db import ClinicDatabaseProblem, open_clinic_db, restore_clinic
from tests.backups.conftest import add_consults, audit_actions, consult_rows
from tests.backups.damage import DAMAGE, damage, held_exclusively
from tests.engines import backend_of


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kept(data_dir: Path, pattern: str) -> list[Path]:
    """Files set aside (without their -wal/-shm, which travel with them)."""
    return sorted(p for p in data_dir.glob(pattern) if not p.name.endswith(("-wal", "-shm")))


def _backup(data_dir: Path, day: int = 25):
    return make_backup(
        backend_of(data_dir), "daily", clock=lambda: dt.datetime(2026, 11, day, 9, 0)
    )


def test_restore_round_trip_gives_back_identical_consults(clinic_with_consults: Path) -> None:
    data_dir = clinic_with_consults
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    made = _backup(data_dir)
    backup_bytes = _digest(made.path)
    add_consults(data_dir)  # more work after the backup, then the file is replaced
    assert len(consult_rows(clinic)) == 4

    restored = restore_clinic(
        backend_of(data_dir),
        made.path,
        clinician="Dr Rivera",
        clock=lambda: dt.datetime(2026, 11, 26, 10),
    )
    assert consult_rows(clinic) == before
    assert restored.consults == 2
    assert restored.kept_as == data_dir / "clinic.sqlite.replaced-2026-11-26T100000"
    assert len(consult_rows(restored.kept_as)) == 4  # the replaced file is kept, whole
    assert audit_actions(clinic)[-1] == "restored from backup"
    assert _digest(made.path) == backup_bytes  # the backup itself is never changed
    assert [b.path for b in list_backups(data_dir / "backups")] == [made.path]


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_clinic_file_is_reported_with_path_and_newest_backup(
    clinic_with_consults: Path, how: str
) -> None:
    data_dir = clinic_with_consults
    _backup(data_dir, day=24)
    newest = _backup(data_dir, day=25)
    clinic = data_dir / "clinic.sqlite"
    damage(clinic, how)
    bad = _digest(clinic)
    with pytest.raises(ClinicDatabaseProblem) as caught:
        open_clinic_db(backend_of(data_dir))
    problem = caught.value
    assert str(clinic) in str(problem)
    assert "not a SQLite database" in str(problem) or "damaged" in str(problem)
    assert problem.backup is not None and problem.backup.path == newest.path
    assert f'explorer restore "{newest.path}"' in str(problem)
    assert _digest(clinic) == bad  # never overwritten


def test_newest_backup_that_rotted_on_disk_is_skipped(clinic_with_consults: Path) -> None:
    data_dir = clinic_with_consults
    older = _backup(data_dir, day=24)
    newer = _backup(data_dir, day=25)
    newer.path.write_bytes(newer.path.read_bytes()[:2048])
    damage(data_dir / "clinic.sqlite", "truncated")
    with pytest.raises(ClinicDatabaseProblem) as caught:
        open_clinic_db(backend_of(data_dir))
    assert caught.value.backup is not None and caught.value.backup.path == older.path


@pytest.mark.parametrize("how", [*DAMAGE, "locked"])
def test_headless_commands_exit_3_with_the_message_and_restore_brings_consults_back(
    clinic_with_consults: Path, capsys, how: str
) -> None:
    data_dir = clinic_with_consults
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    newest = _backup(data_dir)
    if how == "locked":
        with held_exclusively(clinic):
            assert main(["audit"]) == 3
        err = capsys.readouterr().err
        assert "locked by another program" in err and str(clinic) in err
        assert "If no other program should have it open" in err and str(newest.path) in err
        return
    damage(clinic, how)
    bad = _digest(clinic)
    for command in (["audit"], ["pin", "reset"], ["backup"]):
        assert main(command) == 3, command
        err = capsys.readouterr().err
        assert str(clinic) in err and str(newest.path) in err, err
    assert _digest(clinic) == bad
    assert len(list_backups(data_dir / "backups")) == 1  # a damaged file is not backed up

    assert main(["restore", str(newest.path)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "2 consults" in out
    assert consult_rows(clinic) == before
    kept = _kept(data_dir, "clinic.sqlite.damaged-*")
    assert len(kept) == 1 and _digest(kept[0]) == bad
    assert audit_actions(clinic)[-1] == "restored from backup"
    assert main(["audit"]) == 0  # usable again


def test_kb_commands_still_work_when_only_the_clinic_file_is_damaged(
    clinic_with_consults: Path, capsys
) -> None:
    damage(clinic_with_consults / "clinic.sqlite", "random bytes")
    assert main(["kb", "list"]) == 0
    assert "exercise-therapy" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("knowledge.sqlite", "not a clinic database"),
        ("missing.sqlite", "does not exist"),
        ("junk.sqlite", "cannot be restored"),
    ],
)
def test_restore_refuses_what_is_not_a_good_clinic_backup(
    clinic_with_consults: Path, source: str, message: str
) -> None:
    data_dir = clinic_with_consults
    (data_dir / "junk.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    clinic = data_dir / "clinic.sqlite"
    before = _digest(clinic)
    with pytest.raises(RestoreFailed, match=message) as caught:
        restore_clinic(backend_of(data_dir), data_dir / source, clinician="x")
    assert "Nothing was changed" in str(caught.value)
    assert _digest(clinic) == before
    assert not list(data_dir.glob("clinic.sqlite.*"))


def test_backup_command_makes_a_verified_backup_and_audits_it(data_dir: Path, capsys) -> None:
    assert main(["backup"]) == 0
    out = capsys.readouterr().out
    assert "backed up to" in out and "(verified)" in out
    (made,) = list_backups(data_dir / "backups")
    assert made.reason == "manual"
    assert audit_actions(data_dir / "clinic.sqlite")[-1] == "backup made"
    assert main(["backup", "--list"]) == 0
    assert str(made.path) in capsys.readouterr().out


def test_damaged_knowledge_base_is_rebuilt_by_kb_build_and_kept_aside(
    data_dir: Path, capsys
) -> None:
    knowledge = data_dir / "knowledge.sqlite"
    damage(knowledge, "truncated")
    bad = _digest(knowledge)
    assert main(["kb", "list"]) == 3
    err = capsys.readouterr().err
    assert str(knowledge) in err and "explorer kb build" in err
    assert main(["kb", "build"]) == 0
    kept = _kept(data_dir, "knowledge.sqlite.damaged-*")
    assert len(kept) == 1 and _digest(kept[0]) == bad
    assert main(["kb", "list"]) == 0
    assert "exercise-therapy" in capsys.readouterr().out


def test_damage_that_garbles_text_in_the_schema_is_reported_not_a_traceback(
    clinic_with_consults: Path, tmp_path: Path
) -> None:
    """Found by the property test: a check that quotes the damaged bytes must not fail on
    them (non-UTF-8 text in sqlite_master used to raise UnicodeDecodeError)."""
    from explorer.services.backup import make_backup
    from explorer.store.problems import DatabaseProblem
    from explorer.store.sqlite_files import check_sqlite_file

    data = make_backup(backend_of(clinic_with_consults), "manual").path.read_bytes()
    at = data.index(b"CREATE TRIGGER audit_event_no_update")
    garbled = tmp_path / "garbled.sqlite"
    garbled.write_bytes(data[: at + 40] + b"\x80" * 12 + data[at + 52 :])
    with pytest.raises(DatabaseProblem, match="schema text is garbled") as checked:
        check_sqlite_file(garbled)
    assert str(garbled) in str(checked.value)
    clinic = clinic_with_consults / "clinic.sqlite"
    before = _digest(clinic)
    with pytest.raises(RestoreFailed, match="Nothing was changed"):
        restore_clinic(backend_of(clinic_with_consults), garbled, clinician="x")
    assert _digest(clinic) == before


def test_an_emptied_clinic_file_is_not_started_afresh_and_not_backed_up(
    clinic_with_consults: Path,
) -> None:
    """A 0-byte clinic.sqlite when backups exist lost its contents: refused with the restore
    offer, never opened as a new empty database, and never backed up over the good copy."""
    from explorer.services.backup import BackupFailed, list_backups, make_backup
    from explorer.services.clinic_db import ClinicDatabaseProblem, open_clinic_db

    data_dir = clinic_with_consults
    good = make_backup(backend_of(data_dir), "manual")
    clinic = data_dir / "clinic.sqlite"
    for side in data_dir.glob("clinic.sqlite-*"):
        side.unlink()
    clinic.write_bytes(b"")
    with pytest.raises(ClinicDatabaseProblem) as caught:
        open_clinic_db(backend_of(data_dir))
    assert "empty (0 bytes)" in str(caught.value) and good.describe() in str(caught.value)
    assert clinic.stat().st_size == 0  # untouched
    with pytest.raises(BackupFailed, match="empty"):
        make_backup(backend_of(data_dir), "manual")
    assert [b.path for b in list_backups(good.path.parent)] == [good.path]


def test_restore_is_refused_while_another_window_has_the_clinic_open(
    clinic_with_consults: Path,
) -> None:
    """Found in review: a process with the database open kept writing to the file set
    aside, so its saves vanished from the restored data. Now the restore waits for sole
    use of the file and says who is in the way."""
    from explorer.services.backup import make_backup
    from explorer.services.clinic_db import open_clinic_db
    from explorer.services.consults import ConsultService

    data_dir = clinic_with_consults
    backup = make_backup(backend_of(data_dir), "manual")
    other_window = open_clinic_db(backend_of(data_dir))
    service = ConsultService(other_window)
    service.start(condition="sciatica", treatments=["tens"])  # its pool keeps a connection
    clinic = data_dir / "clinic.sqlite"
    try:
        with pytest.raises(RestoreFailed, match="in use by another window") as caught:
            restore_clinic(backend_of(data_dir), backup.path, clinician="x")
        assert "Nothing was changed" in str(caught.value)
        assert not list(data_dir.glob("clinic.sqlite.replaced-*"))
        saved = service.start(condition="sciatica", treatments=["tens"])
        assert service.get(saved.id) is not None  # the other window goes on safely
    finally:
        other_window.dispose()
    restored = restore_clinic(
        backend_of(data_dir), backup.path, clinician="x"
    )  # alone now: it works
    assert restored.kept_as is not None and clinic.exists()


@pytest.mark.parametrize("what", ["knowledge base", "another program's database"])
def test_a_foreign_file_in_place_of_the_clinic_database_is_never_written_into(
    clinic_with_consults: Path, what: str
) -> None:
    """Found in review: another program's SQLite file got the clinic tables added to it, and
    a knowledge base copied over clinic.sqlite was called "newer than this application"."""
    import shutil
    import sqlite3

    from explorer.services.backup import list_backups, make_backup
    from explorer.services.clinic_db import ClinicDatabaseProblem, open_clinic_db

    data_dir = clinic_with_consults
    good = make_backup(backend_of(data_dir), "manual")
    clinic = data_dir / "clinic.sqlite"
    for side in data_dir.glob("clinic.sqlite-*"):
        side.unlink()
    if what == "knowledge base":
        shutil.copy(data_dir / "knowledge.sqlite", clinic)
    else:
        clinic.unlink()
        con = sqlite3.connect(clinic)
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        con.commit()
        con.close()
    before = _digest(clinic)
    with pytest.raises(ClinicDatabaseProblem) as caught:
        open_clinic_db(backend_of(data_dir))
    message = str(caught.value)
    assert "was not changed" in message and good.describe() in message
    assert ("knowledge database" in message) == (what == "knowledge base")
    assert _digest(clinic) == before
    assert [b.path for b in list_backups(good.path.parent)] == [good.path]  # no copy of it


def test_an_emptied_clinic_file_with_its_journal_left_is_refused_without_backups(
    tmp_path: Path,
) -> None:
    """No backups yet (the first day), but a 0-byte clinic.sqlite with a write-ahead log
    beside it that does not go away lost its contents: refused, left as it is."""
    from explorer.services.clinic_db import ClinicDatabaseProblem, open_clinic_db

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "clinic.sqlite").write_bytes(b"")
    (data_dir / "clinic.sqlite-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 28)
    with pytest.raises(ClinicDatabaseProblem, match="its journal file is not"):
        open_clinic_db(backend_of(data_dir))
    assert (data_dir / "clinic.sqlite").stat().st_size == 0


def test_a_clinic_file_another_start_is_creating_is_not_taken_for_an_emptied_one(
    tmp_path: Path,
) -> None:
    """Found by the six-simultaneous-starts test: another window creating the database
    leaves, for a few milliseconds, an empty file with a journal beside it. A start that
    sees that waits for it to settle instead of calling the file emptied."""
    import threading

    from explorer.services.clinic_db import open_clinic_db

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "clinic.sqlite").write_bytes(b"")
    journal = data_dir / "clinic.sqlite-journal"
    journal.write_bytes(b"")
    threading.Timer(0.3, journal.unlink).start()  # the other start's switch to WAL ends
    engine = open_clinic_db(backend_of(data_dir))
    engine.dispose()
    assert (data_dir / "clinic.sqlite").stat().st_size > 0


def test_restore_over_a_link_to_nothing_keeps_the_link_aside(
    clinic_with_consults: Path, tmp_path: Path
) -> None:
    """``clinic.sqlite`` linking to a disk that is not connected: the restore puts a real
    file in place and keeps the link itself, renamed, still pointing where the data was;
    nothing is called damaged (a link to nothing is not damage)."""
    data_dir = clinic_with_consults
    made = _backup(data_dir)
    clinic = data_dir / "clinic.sqlite"
    elsewhere = tmp_path / "unplugged-disk" / "clinic.sqlite"
    clinic.unlink()
    clinic.symlink_to(elsewhere)

    restored = restore_clinic(
        backend_of(data_dir),
        made.path,
        clinician="Dr Rivera",
        clock=lambda: dt.datetime(2026, 11, 26, 10),
    )
    assert restored.kept_as == data_dir / "clinic.sqlite.replaced-2026-11-26T100000"
    assert restored.kept_as.is_symlink()
    assert restored.kept_as.readlink() == elsewhere
    assert not clinic.is_symlink()
    assert len(consult_rows(clinic)) == 2
