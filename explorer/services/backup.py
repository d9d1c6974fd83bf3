"""Backups of the clinic database: when, where, how many, and putting one back.

Only ``clinic.sqlite`` is backed up (consults, notes, the PIN's hash, the audit log); the
knowledge base is rebuilt from the shipped content instead. Backups go to
``<data folder>/backups/`` (or ``$EXPLORER_BACKUP_DIR``) as
``clinic-2026-11-26T101500-daily.sqlite``: local time, then why it was taken (``daily``,
``manual``, ``before-upgrade-c0004``). Each one is a verified copy (SQLite's online backup
API, then ``PRAGMA integrity_check`` on the copy) before it counts; old ones are removed by
the rotation in :mod:`explorer.domain.retention`, only after a new one has verified.

Standard library only (sqlite3): the window makes its daily backup without SQLAlchemy.
The clock is injectable so tests can walk through months of backups.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import filelock

from explorer.domain.retention import (
    DEFAULT_POLICY,
    BackupStamp,
    RetentionPolicy,
    backups_to_keep,
)
from explorer.errors import UserFacingError
from explorer.paths import CLINIC_DB
from explorer.store.backend import BACKUP_DIR_ENV as BACKUP_DIR_ENV  # re-exported
from explorer.store.backend import Backend
from explorer.store.problems import DatabaseProblem
from explorer.store.sqlite_copy import (
    CopyFailed,
    InUse,
    copy_database,
    copy_problem,
    integrity_problem,
    remove_stale_partials,
    set_aside,
    sole_user,
    staged_copy,
)
from explorer.store.sqlite_files import PRIVATE_DIR_MODE, check_sqlite_file, lenient, make_private

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
"""Returns the local time (naive); ``datetime.datetime.now`` outside tests."""

DAILY, MANUAL = "daily", "manual"
SAFETY_PREFIX = "before-"
_STAMP = "%Y-%m-%dT%H%M%S"
_NAME = re.compile(r"^clinic-(\d{4}-\d{2}-\d{2}T\d{6})-([a-z0-9-]+)\.sqlite$")

# One backup, rotation or restore at a time: in this process (the window's daily backup
# runs on a worker thread while the GUI thread may open or restore the database) and across
# processes (two windows starting together both find the daily backup due).
_lock = threading.RLock()
_file_locks: dict[Path, filelock.FileLock] = {}
LOCK_WAIT_SECONDS = 120
LOCK_NAME = ".backup.lock"


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold the backup folder's lock (this thread, then any other process)."""
    with _lock:
        _prepare_folder(folder)
        key = folder.resolve()
        lock = _file_locks.setdefault(
            key, filelock.FileLock(str(key / LOCK_NAME), timeout=LOCK_WAIT_SECONDS)
        )
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise BackupFailed(
                f"No backup was made: another window kept the backup folder {folder} busy for "
                f"{LOCK_WAIT_SECONDS} s. Earlier backups are untouched; try again."
            ) from exc
        try:
            yield
        finally:
            lock.release()


class BackupFailed(UserFacingError):
    """A backup could not be made; the clinic database and earlier backups are untouched."""


class RestoreFailed(UserFacingError):
    """A backup could not be put back; the clinic database is as it was."""


@dataclass(frozen=True)
class Backup:
    """One verified backup file. ``note`` is what the user should know about a backup just
    made (it holds fewer consults than an earlier one, which is kept)."""

    path: Path
    taken_at: dt.datetime
    reason: str
    note: str = field(default="", compare=False)

    @property
    def safety(self) -> bool:
        """Taken before an upgrade or a restore (kept by their own rule)."""
        return self.reason.startswith(SAFETY_PREFIX)

    def describe(self) -> str:
        """For people: "Thu 26 Nov 2026 10:15 (daily)"."""
        return f"{self.taken_at:%a %d %b %Y %H:%M} ({self.reason.replace('-', ' ')})"


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first (other files are ignored)."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return []
    found = []
    for name in names:
        match = _NAME.match(name)
        if match is None:
            continue
        try:
            taken = dt.datetime.strptime(match.group(1), _STAMP)
        except ValueError:
            continue
        found.append(Backup(folder / name, taken, match.group(2)))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        if not folder.is_dir():
            raise NotADirectoryError(20, "Not a directory", str(folder))
    except OSError as exc:
        raise BackupFailed(
            f"No backup was made: the backup folder {folder} cannot be created or used "
            f"({exc.strerror or exc}). The clinic database and earlier backups are untouched. "
            f"Check that {folder} is a folder you can write to (or set {BACKUP_DIR_ENV})."
        ) from exc


def _target(folder: Path, taken: dt.datetime, reason: str) -> Path:
    base = f"clinic-{taken:{_STAMP}}-{reason}"
    target, number = folder / f"{base}.sqlite", 1
    while target.exists():
        number += 1
        target = folder / f"{base}-{number}.sqlite"
    return target


def make_backup(
    backend: Backend,
    reason: str = MANUAL,
    *,
    clock: Clock = dt.datetime.now,
    policy: RetentionPolicy = DEFAULT_POLICY,
) -> Backup:
    """Copy ``clinic.sqlite`` to the backup folder, verify the copy, then rotate.

    Raises :class:`BackupFailed` with a message for the user; nothing is removed then.
    When the copy holds fewer consults than an earlier backup, that backup is kept (see
    :func:`explorer.domain.retention.kept_for_consults`) and ``note`` says so.
    """
    data_dir = backend.data_dir
    source = data_dir / CLINIC_DB
    if not source.exists():
        raise BackupFailed(f"There is no clinic database to back up in {data_dir}.")
    if source.stat().st_size == 0:  # never let an emptied file push out a good copy
        raise BackupFailed(
            f"No backup was made: {source} is empty (0 bytes). The earlier backups are kept."
        )
    if _table_names(source) == set():  # a SQLite header and nothing else: emptied too
        raise BackupFailed(
            f"No backup was made: {source} is an empty database (no tables at all). The "
            "earlier backups are kept."
        )
    folder = backend.backup_dir
    with _exclusive(folder):
        earlier = list_backups(folder)
        taken = clock().replace(microsecond=0)
        target = _target(folder, taken, reason)
        try:
            copy_database(source, target)
        except CopyFailed as exc:
            raise BackupFailed(_copy_message(exc, source, folder)) from exc
        log.info("backed up %s to %s", source, target)
        note = _fewer_consults_note(target, earlier)
        rotate(folder, policy)
    return Backup(target, taken, reason, note)


def consult_count(path: Path) -> int | None:
    """How many consults the database ``path`` holds, deleted ones included (a deleted
    consult is still in the file, so deleting one never makes a backup look poorer); 0
    without a consult table; None when it cannot be read."""
    try:
        con = lenient(sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=5))
        try:
            if "consult" not in _tables_of(con):
                return 0
            return int(con.execute("SELECT count(*) FROM consult").fetchone()[0])
        finally:
            con.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return None


def _tables_of(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _table_names(path: Path) -> set[str] | None:
    """The tables of the SQLite file ``path``; None when it cannot be read (the copy and
    its checks then say why)."""
    try:
        con = lenient(sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=5))
        try:
            return _tables_of(con)
        finally:
            con.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return None


def _fewer_consults_note(made: Path, earlier: list[Backup]) -> str:
    """Said (and logged) when the backup ``made`` holds fewer consults than an earlier one:
    the clinic database lost consults, or an older copy was put in its place."""
    count = consult_count(made) or 0
    for backup in earlier:  # newest first: the newest one holding more is the one to name
        more = consult_count(backup.path)
        if more is not None and more > count:
            note = (
                f"This backup holds {_consults(count)}, fewer than the backup of "
                f"{backup.describe()} ({more}). That backup is kept: a backup holding "
                "consults that no newer backup holds is never rotated away. If consults "
                f'are missing, restore it: explorer restore "{backup.path}".'
            )
            log.info("%s (%s)", note, made)
            return note
    return ""


def _consults(count: int) -> str:
    return f"{count} consult{'s' if count != 1 else ''}"


def _copy_message(exc: CopyFailed, source: Path, folder: Path) -> str:
    untouched = "The clinic database and earlier backups are untouched."
    if exc.full:
        return (
            f"No backup was made: the disk holding {folder} is full ({exc}). {untouched} "
            "Free some disk space, then use File → Back up now (or `explorer backup`)."
        )
    if "I/O error" in str(exc):
        return (
            f"No backup was made: writing to {folder} failed ({exc}); the disk may be full or "
            f"failing. {untouched} Free some disk space or check the disk, then use File → "
            "Back up now (or `explorer backup`)."
        )
    if exc.denied:
        return (
            f"No backup was made: {folder} cannot be written ({exc}). {untouched} Check the "
            "folder's permissions."
        )
    if "integrity check" in str(exc) and (problem := _source_problem(source)):
        return (
            f"No backup was made: the clinic database {source} itself is damaged (its full "
            f"integrity check says: {problem}). Earlier backups are kept. Restore the newest "
            "good backup (File → Restore from backup…, or `explorer restore FILE`); the "
            "damaged file is kept aside."
        )
    return f"No backup was made of {source} ({exc}). {untouched}"


def _source_problem(source: Path) -> str | None:
    """The full integrity check of the database being backed up (quick_check at start can
    miss damage in indexes that only the full check finds)."""
    try:
        con = lenient(sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True, timeout=5))
        try:
            return integrity_problem(con)
        finally:
            con.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        return str(exc)


def rotate(folder: Path, policy: RetentionPolicy = DEFAULT_POLICY) -> list[Path]:
    """Remove the backups the policy no longer keeps; return what was removed.

    A backup holding consults that no newer backup holds is kept whatever the policy says
    (:func:`explorer.domain.retention.kept_for_consults`); the log says which and why.
    """
    with _exclusive(folder):
        backups = list_backups(folder)
        stamps = [
            BackupStamp(b.taken_at, b.path.name, b.safety, consult_count(b.path)) for b in backups
        ]
        keep = backups_to_keep(stamps, policy)
        by_period = backups_to_keep([replace(s, consults=None) for s in stamps], policy)
        for stamp in stamps:
            if stamp.name in keep - by_period:
                log.info(
                    "kept backup %s beyond the rotation: it holds %s consults, more than any "
                    "newer backup",
                    stamp.name,
                    stamp.consults,
                )
        removed = []
        for backup in backups:
            if backup.path.name in keep:
                continue
            try:
                backup.path.unlink()
                removed.append(backup.path)
            except OSError as exc:  # a file we cannot remove is kept; never fatal
                log.warning("could not remove old backup %s: %s", backup.path, exc)
        for path in remove_stale_partials(folder):  # left by a backup that was killed
            log.info("removed %s, left by a backup that did not finish", path)
        return removed


_ALSO_STALE_IN_DATA_DIR = re.compile(
    r"^\.clinic\.sqlite\.restoring(-journal|-wal|-shm)?$|^\.pin-attempts\.json\.[a-z0-9_]{8}\.tmp$"
)
"""Besides :func:`explorer.store.sqlite_copy.staged_copy`'s partials: where versions before
2026-12 kept a restore's verified copy just before it took the place of ``clinic.sqlite``
(a failed restore removed it; only a killed one left it), and the temporary file of an
atomic write of ``pin-attempts.json`` (a wrong-PIN count; the previous file stays)."""


def clear_stale_copies(data_dir: Path) -> None:
    """Remove the temporary files a killed restore (or a killed write of the wrong-PIN
    count) left in the data folder: the restore's is hidden, full-size and private.
    :func:`explorer.store.sqlite_copy.remove_stale_partials` says why that is safe."""
    for path in remove_stale_partials(data_dir, also=_ALSO_STALE_IN_DATA_DIR):
        log.info("removed %s, left by a restore or write that did not finish", path)


def daily_backup_due(backend: Backend, *, clock: Clock = dt.datetime.now) -> bool:
    """True when the clinic database exists and no regular backup was taken today."""
    if not (backend.data_dir / CLINIC_DB).exists():
        return False
    today = clock().date()
    return not any(
        b.taken_at.date() == today and not b.safety for b in list_backups(backend.backup_dir)
    )


def daily_backup(backend: Backend, *, clock: Clock = dt.datetime.now) -> Backup | None:
    """The first start of each day backs up the clinic database; later starts do nothing
    (checked again under the lock: two windows starting together make one backup)."""
    with _exclusive(backend.backup_dir):
        if not daily_backup_due(backend, clock=clock):
            return None
        return make_backup(backend, DAILY, clock=clock)


def check_backup(path: Path) -> None:
    """Raise :class:`RestoreFailed` unless ``path`` is a good backup: the one definition
    used by the list of backups, the advice at a damaged start and the restore itself.

    Good means a sound SQLite file (header, ``quick_check``) with the clinic's tables whose
    full ``integrity_check`` passes, or fails only in indexes, which the restore rebuilds
    from the intact data (:func:`explorer.store.sqlite_copy.copy_problem` tries exactly that,
    in memory). A full check reads the whole file: milliseconds for a clinic's few
    megabytes, so the advice checks the backups newest first until one is good.
    """
    try:
        check_sqlite_file(path)
    except DatabaseProblem as exc:
        raise RestoreFailed(f"{path} cannot be restored: {exc} Nothing was changed.") from exc
    tables = _table_names(path)
    if tables is not None and not {"clinic_info", "alembic_version"} <= tables:
        raise RestoreFailed(
            f"{path} is not a clinic database of this application (no consult tables). "
            "Nothing was changed."
        )
    problem = copy_problem(path)
    if problem is not None:
        raise RestoreFailed(
            f"{path} cannot be restored: it is damaged beyond its indexes (its full integrity "
            f"check says: {problem}). Nothing was changed; choose an older backup."
        )


def newest_good_backup(backend: Backend) -> Backup | None:
    """The newest backup that passes :func:`check_backup` (a file can rot on disk)."""
    for backup in list_backups(backend.backup_dir):
        try:
            check_backup(backup.path)
        except RestoreFailed as exc:
            log.warning("backup %s is not usable: %s", backup.path, exc)
            continue
        return backup
    return None


@dataclass(frozen=True)
class PutBack:
    """What a restore did: the file it came from and where the replaced file was kept."""

    source: Path
    kept_as: Path | None
    indexes_rebuilt: bool = False


def put_back(
    backend: Backend, source: Path, label: str, *, clock: Clock = dt.datetime.now
) -> PutBack:
    """Replace ``clinic.sqlite`` with a verified copy of ``source``.

    A copy whose only damage is in its indexes has them rebuilt from its data
    (``indexes_rebuilt``). The current file (with its ``-wal``/``-shm``) is kept beside it as
    ``clinic.sqlite.<label>-<time>`` (``damaged-2026-11-26T101500``); only repeated
    failed upgrades prune their own older files (:mod:`explorer.services.clinic_db`). The
    caller must have closed its own connections to the clinic database. Checks only that
    ``source`` is a sound SQLite file; whether it is a clinic database is the caller's
    question (:mod:`explorer.services.clinic_db`).
    """
    data_dir = backend.data_dir
    target = data_dir / CLINIC_DB
    try:
        check_sqlite_file(source)
    except DatabaseProblem as exc:
        raise RestoreFailed(f"{source} cannot be restored: {exc} Nothing was changed.") from exc
    with _exclusive(backend.backup_dir):
        clear_stale_copies(data_dir)
        kept_as = None
        try:
            # The verified copy waits under a temporary name (removed on any failure) until
            # the current file is set aside, then takes its place in one rename.
            # A window still using the current file would write to the one set aside.
            with (
                staged_copy(source, target, rebuild_indexes=True) as (incoming, rebuilt),
                sole_user(target),
            ):
                if target.exists() or target.is_symlink():
                    kept_as = set_aside(target, f"{label}-{clock():{_STAMP}}")
                os.replace(incoming, target)
        except CopyFailed as exc:
            raise RestoreFailed(
                f"{source} could not be copied into {data_dir} ({exc}). Nothing was changed."
            ) from exc
        except InUse as exc:
            raise RestoreFailed(
                f"{target} is in use by another window or program. Close the other windows of "
                "Spine Treatment Explorer on this PC (and any program using the file), then "
                "restore again. Nothing was changed."
            ) from exc
        except OSError as exc:
            raise RestoreFailed(
                f"{target} could not be replaced ({exc.strerror or exc}); is it open in another "
                "program? Close it and try again."
            ) from exc
        make_private(target)
    if rebuilt:
        log.info("restored %s from %s with its damaged indexes rebuilt", target, source)
    log.info("restored %s from %s; previous file kept as %s", target, source, kept_as)
    return PutBack(source, kept_as, rebuilt)
