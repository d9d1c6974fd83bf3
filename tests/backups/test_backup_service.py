"""Backups of the clinic database: verified copies, private files, rotation on an injected
clock, and failures (full disk, unusable folder, a copy that does not verify) that leave the
database and earlier backups exactly as they were."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from explorer.services import backup
from explorer.services.backup import (
    LOCK_NAME,
    BackupFailed,
    daily_backup,
    list_backups,
    make_backup,
)
from explorer.store import sqlite_copy
from tests.engines import backend_of


class Clock:
    """A settable local clock."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def _names(folder: Path) -> list[str]:
    """The files in a backup folder, without the lock file windows share."""
    return sorted(p.name for p in folder.iterdir() if p.name != LOCK_NAME)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.name != LOCK_NAME}


def _consult_labels(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT patient_label FROM consult ORDER BY id")]
    finally:
        con.close()


def test_a_backup_is_a_verified_private_single_file_copy(data_dir: Path) -> None:
    made = make_backup(backend_of(data_dir), clock=Clock(dt.datetime(2026, 11, 26, 10, 15, 0)))
    assert made.path == data_dir / "backups" / "clinic-2026-11-26T101500-manual.sqlite"
    assert made.describe() == "Thu 26 Nov 2026 10:15 (manual)"
    assert list_backups(data_dir / "backups") == [made]
    if os.name == "posix":
        assert stat.S_IMODE(made.path.stat().st_mode) == 0o600  # it holds the notes
        assert stat.S_IMODE(made.path.parent.stat().st_mode) == 0o700
    con = sqlite3.connect(made.path)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # no -wal needed
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("SELECT count(*) FROM clinician_access").fetchone() == (1,)
    con.close()
    assert _names(made.path.parent) == [made.path.name]


def test_a_backup_taken_while_the_application_writes_is_consistent(data_dir: Path) -> None:
    """The online backup API copies a snapshot; an open write transaction is not in it."""
    writer = sqlite3.connect(data_dir / "clinic.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO clinic_info (key, value) VALUES ('half-written', 'not committed yet')"
    )
    made = make_backup(backend_of(data_dir), clock=Clock(dt.datetime(2026, 11, 26, 10)))
    writer.execute("COMMIT")
    writer.close()
    con = sqlite3.connect(made.path)
    keys = {r[0] for r in con.execute("SELECT key FROM clinic_info")}
    con.close()
    assert "created_at" in keys and "half-written" not in keys


def test_first_start_each_day_backs_up_once(data_dir: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 26, 8, 0))
    assert daily_backup(backend_of(data_dir), clock=clock) is not None
    clock.now = dt.datetime(2026, 11, 26, 17, 30)
    assert daily_backup(backend_of(data_dir), clock=clock) is None  # second start the same day
    make_backup(backend_of(data_dir), "before-upgrade-c0009", clock=clock)
    clock.now = dt.datetime(2026, 11, 27, 0, 5)
    assert (
        daily_backup(backend_of(data_dir), clock=clock) is not None
    )  # a safety copy is not the daily
    names = [b.path.name for b in list_backups(data_dir / "backups")]
    assert names == [
        "clinic-2026-11-27T000500-daily.sqlite",
        "clinic-2026-11-26T173000-before-upgrade-c0009.sqlite",
        "clinic-2026-11-26T080000-daily.sqlite",
    ]


def test_no_clinic_database_no_daily_backup(tmp_path: Path) -> None:
    assert daily_backup(backend_of(tmp_path), clock=Clock(dt.datetime(2026, 11, 26))) is None


def test_rotation_over_five_months_of_starts_keeps_exactly_the_policy_set(data_dir: Path) -> None:
    clock = Clock(dt.datetime(2026, 7, 1, 8, 30))
    while clock.now.date() <= dt.date(2026, 11, 26):
        daily_backup(backend_of(data_dir), clock=clock)
        clock.now += dt.timedelta(hours=5)  # a second start later that day: no new backup
        assert daily_backup(backend_of(data_dir), clock=clock) is None
        clock.now += dt.timedelta(hours=19)
    kept = sorted(b.taken_at.date().isoformat() for b in list_backups(data_dir / "backups"))
    daily = [f"2026-11-{d}" for d in range(20, 27)]
    weekly = ["2026-11-08", "2026-11-15"]  # and the 22nd and 26th, already daily
    monthly = ["2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"]  # and the 26th
    assert kept == sorted(daily + weekly + monthly)
    assert _names(data_dir / "backups") == sorted(
        f"clinic-{d}T083000-daily.sqlite" for d in kept
    )  # nothing else left behind


def test_backup_folder_that_is_a_file_gives_a_clear_message(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = data_dir.parent / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(blocker))
    before = _digest(data_dir / "clinic.sqlite")
    with pytest.raises(BackupFailed) as caught:
        make_backup(backend_of(data_dir))
    message = str(caught.value)
    assert str(blocker) in message and "cannot be created or used" in message
    assert "earlier backups are untouched" in message
    assert _digest(data_dir / "clinic.sqlite") == before
    assert blocker.read_text() == "a file where the backup folder should be"


def test_backup_folder_inside_a_file_path_gives_a_clear_message(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = data_dir.parent / "blocker"
    blocker.write_text("x")
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(blocker / "backups"))
    with pytest.raises(BackupFailed, match="cannot be created or used"):
        make_backup(backend_of(data_dir))


@pytest.mark.parametrize("where", ["while copying", "while flushing"])
def test_full_disk_leaves_the_database_and_earlier_backups_intact(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    clock = Clock(dt.datetime(2026, 11, 20, 9))
    for _ in range(3):
        make_backup(backend_of(data_dir), backup.DAILY, clock=clock)
        clock.now += dt.timedelta(days=1)
    folder = data_dir / "backups"
    before, database = _snapshot(folder), _digest(data_dir / "clinic.sqlite")

    if where == "while copying":
        real = sqlite_copy._copy_pages

        def copy_then_fill_the_disk(source: Path, temp: Path) -> None:
            real(source, temp)  # half a file on disk, then SQLite's SQLITE_FULL
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(sqlite_copy, "_copy_pages", copy_then_fill_the_disk)
    else:

        def no_space(_path: Path) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(sqlite_copy, "_fsync", no_space)
    clock.now = dt.datetime(2026, 12, 31, 9)  # a backup now would rotate the others away
    with pytest.raises(BackupFailed) as caught:
        make_backup(backend_of(data_dir), backup.DAILY, clock=clock)
    assert "is full" in str(caught.value) and str(folder) in str(caught.value)
    assert "Free some disk space" in str(caught.value)
    assert _snapshot(folder) == before  # no partial file, nothing rotated away
    assert _digest(data_dir / "clinic.sqlite") == database


def test_a_copy_that_fails_its_integrity_check_does_not_count(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_backup(backend_of(data_dir), clock=Clock(dt.datetime(2026, 11, 25, 9)))
    checked: list[Path] = []

    def corrupt_copy(connection: sqlite3.Connection) -> str | None:
        checked.append(Path(connection.execute("PRAGMA database_list").fetchone()[2]))
        return "row 3 missing from index ix_consult_patient_label"

    monkeypatch.setattr(sqlite_copy, "integrity_problem", corrupt_copy)
    with pytest.raises(BackupFailed, match="failed its integrity check"):
        make_backup(backend_of(data_dir), clock=Clock(dt.datetime(2026, 11, 26, 9)))
    assert checked and checked[0].name.endswith(".partial")  # the copy was checked, not the source
    assert list_backups(data_dir / "backups") == [first]
    assert _names(data_dir / "backups") == [first.path.name]


def test_a_real_file_size_limit_during_backup_fails_cleanly(data_dir: Path) -> None:
    """A real write failure (RLIMIT_FSIZE makes the kernel refuse writes, even for root)."""
    import subprocess
    import sys
    import textwrap

    make_backup(backend_of(data_dir), clock=Clock(dt.datetime(2026, 11, 25, 9)))
    before = _snapshot(data_dir / "backups")
    size = (data_dir / "clinic.sqlite").stat().st_size
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from pathlib import Path
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size // 2}, {size // 2}))
        from explorer.services.backup import BackupFailed, make_backup
        from explorer.store.backend import backend_from_arguments
        try:
            make_backup(backend_from_arguments({str(data_dir)!r}))
        except BackupFailed as exc:
            print(exc)
            sys.exit(3)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3, result.stderr
    # SQLite reports the refused write as "disk I/O error" (SQLITE_FULL is for ENOSPC)
    assert "No backup was made" in result.stdout and "may be full" in result.stdout
    assert _snapshot(data_dir / "backups") == before
    assert _consult_labels(data_dir / "clinic.sqlite") == []


def test_a_partial_copy_left_by_a_killed_backup_is_cleared_later(tmp_path) -> None:
    import os
    import time

    from explorer.services.backup import make_backup
    from explorer.services.stores import open_stores
    from explorer.store.sqlite_copy import STALE_PARTIAL_SECONDS

    data = tmp_path / "data"
    open_stores(backend_of(data)).close()
    folder = backend_of(data).backup_dir
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / ".clinic-2026-01-01T090000-manual.sqlite.partial"
    fresh = folder / ".clinic-2026-11-26T090000-manual.sqlite.partial"
    for path in (stale, fresh):
        path.write_bytes(b"half a copy")
    old = time.time() - STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    make_backup(backend_of(data), "manual")
    assert not stale.exists()  # left by a killed backup long ago
    assert fresh.exists()  # may belong to a backup running in another window right now


def test_windows_starting_together_make_one_daily_backup_and_none_fails(tmp_path) -> None:
    """Found in review: two processes backing up at the same moment collided on the temp
    file (both failed, with misleading messages). Now they take the backup folder's lock
    in turn: no failure, every copy sound, no temp file left."""
    import sqlite3
    import subprocess
    import sys

    from explorer.services.backup import list_backups
    from explorer.services.stores import open_stores
    from tests.conftest import REPO

    data = tmp_path / "data"
    open_stores(backend_of(data)).close()
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from explorer.services.backup import daily_backup, make_backup\n"
        "from explorer.store.backend import backend_from_arguments\n"
        "start = float(sys.argv[2])\n"
        "while time.time() < start: pass\n"
        "daily_backup(backend_from_arguments(sys.argv[1]))\n"
        "for _ in range(3): make_backup(backend_from_arguments(sys.argv[1]), 'manual')\n"
    )
    start = __import__("time").time() + 2.0
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(data), str(start)],
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], errors
    backups = list_backups(backend_of(data).backup_dir)
    assert len(backups) == 1  # all taken today: the rotation keeps the day's newest
    for made in backups:
        con = sqlite3.connect(made.path)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            con.close()
    assert not list(backend_of(data).backup_dir.glob(".*.partial"))


def test_damage_only_the_full_check_finds_makes_backups_say_the_database_is_damaged(
    tmp_path,
) -> None:
    """Found in review: an index pointing at the wrong column passes quick_check (the start
    opens it) but fails integrity_check, so every backup failed with a message that never
    said the clinic database itself was damaged or what to do."""
    import sqlite3

    import pytest

    from explorer.services.backup import BackupFailed, make_backup
    from explorer.services.consults import ConsultService
    from explorer.services.stores import open_stores

    data = tmp_path / "data"
    stores = open_stores(backend_of(data))
    for number in range(10):
        ConsultService(stores.clinic).start(
            condition=None, treatments=[], patient_label=f"L{number}"
        )
    stores.close()
    path = data / "clinic.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA writable_schema=ON")
    con.execute(
        "UPDATE sqlite_master SET sql='CREATE INDEX ix_consult_patient_label ON consult "
        "(clinician)' WHERE name='ix_consult_patient_label'"
    )
    con.commit()
    con.close()
    with pytest.raises(BackupFailed) as caught:
        make_backup(backend_of(data), "manual")
    message = str(caught.value)
    assert "itself is damaged" in message and "missing from index" in message
    assert "Restore the newest good backup" in message
