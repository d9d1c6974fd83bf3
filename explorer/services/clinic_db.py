"""Opening the clinic database safely, and restoring it from a backup.

- A damaged, truncated, foreign or locked ``clinic.sqlite`` is never overwritten: opening
  raises :class:`ClinicDatabaseProblem`, whose message says what is wrong, where the file
  is, and which backup can replace it (``explorer restore FILE``); the window offers the
  same backup with a button.
- Before a schema upgrade the database is backed up (verified). If the upgrade fails, that
  backup is put back, the file that failed is kept aside, and the message says so.
- A restore checks that the file is a clinic database this version can read, keeps the
  current file aside, upgrades the restored one if it is older, and records
  "restored from backup" in the restored database's audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from explorer.errors import UserFacingError
from explorer.paths import CLINIC_DB, log_dir
from explorer.services.audit import AuditAction, AuditLog
from explorer.services.backup import (
    SAFETY_PREFIX,
    Backup,
    BackupFailed,
    Clock,
    RestoreFailed,
    check_backup,
    clear_stale_copies,
    list_backups,
    make_backup,
    newest_good_backup,
    put_back,
)
from explorer.services.private_data import prepare_data_dir
from explorer.store.backend import Backend, advisory_lock, migrate, writer
from explorer.store.clinic_models import ClinicInfo
from explorer.store.network_share import refuse_network_share
from explorer.store.problems import DatabaseProblem, ProblemKind
from explorer.store.sqlite_files import check_sqlite_file, lenient, make_private

log = logging.getLogger(__name__)


class ClinicDatabaseProblem(DatabaseProblem):
    """``clinic.sqlite`` cannot be used. ``problem`` is what is wrong (with the path);
    ``backup`` the newest good backup, if any. Only for a damaged file (or a link to one
    that is gone) does the message add how to restore it: a full, read-only or forbidden
    disk or folder is cured where the data lives, and the file in it is intact."""

    def __init__(self, problem: DatabaseProblem, backup: Backup | None, folder: Path) -> None:
        self.problem = str(problem)
        self.backup = backup
        self.backup_folder = folder
        if backup is None:
            hint = f"No backup of it was found in {folder}."
        else:
            hint = (
                f"The newest good backup is from {backup.describe()}: {backup.path}. To put "
                f'it back: explorer restore "{backup.path}" (the current file is kept aside, '
                "renamed, not deleted)."
            )
            if problem.locked:
                hint = "If no other program should have it open: " + hint[0].lower() + hint[1:]
            elif problem.kind is ProblemKind.MISSING:
                hint = "If that disk is gone for good: " + hint[0].lower() + hint[1:]
        if not (problem.damaged or problem.locked or problem.kind is ProblemKind.MISSING):
            hint = ""
        super().__init__(
            f"{problem} {hint}".strip(),
            path=problem.path,
            locked=problem.locked,
            writes_refused=problem.writes_refused,
            kind=problem.kind,
        )

    @property
    def restorable(self) -> bool:
        """Whether restoring a backup is what to offer (damaged, not ours, gone or held by
        another program), rather than fixing the disk or folder it is on."""
        return self.damaged or self.locked or self.kind is ProblemKind.MISSING


class MigrationRolledBack(UserFacingError):
    """A schema upgrade failed and the pre-upgrade backup was put back."""


def check_clinic_file(backend: Backend) -> None:
    """``PRAGMA quick_check`` on ``clinic.sqlite``; raises :class:`ClinicDatabaseProblem`."""
    path = backend.data_dir / CLINIC_DB
    try:
        check_sqlite_file(path)
        _refuse_emptied(path, backend)
    except DatabaseProblem as exc:
        raise ClinicDatabaseProblem(exc, newest_good_backup(backend), backend.backup_dir) from exc


def _refuse_emptied(path: Path, backend: Backend) -> None:
    """A clinic database without the clinic's tables (no file, a 0-byte file, or a SQLite
    file with no tables at all) is a new clinic only on a first start. Beside traces of a
    clinic (:func:`_traces_of_a_clinic`) it is a file that lost its contents — e.g. copied
    without its ``-wal`` after the PC was switched off — and must not be silently started
    afresh: the window would ask for a new PIN and show no consults, and its backups would
    hold none. A 0-byte file with a journal beside it that stays lost its contents too."""
    try:
        if path.is_symlink() and not path.exists():
            raise DatabaseProblem(f"{path} is a link to a file that does not exist.", path=path)
        if path.exists() and not path.is_file():
            return  # a folder or a device: the other checks say what it is
        size = path.stat().st_size if path.exists() else None
    except OSError:
        return
    if size is None:
        what = "does not exist"
    elif size == 0:
        what = "is empty (0 bytes)"
    elif _has_no_tables(path):
        what = "is an empty database (none of the clinic's tables)"
    else:
        return
    traces = _traces_of_a_clinic(backend)
    if traces is not None:
        raise DatabaseProblem(
            f"{path} {what}, yet {traces}: the clinic's data has gone missing from it, so no "
            "new, empty clinic is started in its place. (To start a new clinic on purpose, "
            "first move the backups and any clinic.sqlite.* files elsewhere.)",
            path=path,
            kind=ProblemKind.DAMAGED,
        )
    if size == 0 and _journal_stays_beside_empty(path):
        raise DatabaseProblem(
            f"{path} is empty (0 bytes) but its journal file is not: it lost its contents.",
            path=path,
            kind=ProblemKind.DAMAGED,
        )


def _has_no_tables(path: Path) -> bool:
    try:
        con = lenient(sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=2))
        try:
            return con.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone() is None
        finally:
            con.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return False  # unreadable: the damage checks say why


def _traces_of_a_clinic(backend: Backend) -> str | None:
    """What shows that this data folder held a clinic database before, or None.

    Backups (safety copies included), files set aside from ``clinic.sqlite`` (replaced,
    damaged, failed upgrade) and the wrong-PIN count (``pin-attempts.json``, written only
    once a PIN exists) are made only after a clinic database held data. The log folder and
    the knowledge base are not: a first start creates them before the clinic database.
    """
    data_dir, folder = backend.data_dir, backend.backup_dir
    backups = list_backups(folder)
    if backups:
        many = (
            f"{len(backups)} backups of it exist" if len(backups) > 1 else "a backup of it exists"
        )
        return f"{many} in {folder}"
    aside = sorted(p.name for p in data_dir.glob(f"{CLINIC_DB}.*"))
    if aside:
        return f"files set aside from it exist in {data_dir} ({aside[0]})"
    if (data_dir / "pin-attempts.json").exists():
        return f"its count of wrong PINs exists ({data_dir / 'pin-attempts.json'})"
    return None


EMPTY_FILE_SETTLE_S = 2.0
"""How long a 0-byte database with a journal beside it is watched before it counts as
emptied: another window starting on a new data folder at the same moment creates exactly
that for a few milliseconds (an empty file, then a journal while it switches to WAL)."""


def _journal_stays_beside_empty(path: Path) -> bool:
    import time

    side_files = [path.with_name(path.name + s) for s in ("-wal", "-journal")]
    deadline = time.monotonic() + EMPTY_FILE_SETTLE_S
    while True:
        try:
            if path.stat().st_size or not any(f.exists() for f in side_files):
                return False  # being created by another start, now done (or never a journal)
        except OSError:
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.05)


@dataclass
class ClinicStore:
    """The open clinic database of one backend."""

    backend: Backend
    clinic: Engine

    @property
    def data_dir(self) -> Path:
        return self.backend.data_dir

    def close(self) -> None:
        self.clinic.dispose()


def open_clinic_store(backend: Backend, *, clock: Clock = dt.datetime.now) -> ClinicStore:
    """The clinic database of ``backend``, opened as :func:`open_clinic_db` does."""
    return ClinicStore(backend, open_clinic_db(backend, clock=clock))


def open_clinic_db(backend: Backend, *, clock: Clock = dt.datetime.now) -> Engine:
    """An engine on the clinic database: checked, created or upgraded.

    In the data folder (``clinic.sqlite``) it is checked first and backed up (verified)
    before an upgrade. On a shared server it is created or upgraded under an advisory lock;
    no file backup (backups of a server are the database administrator's ``pg_dump`` job,
    see docs/several-pcs.md).
    """
    data_dir = backend.data_dir
    path = backend.file("clinic")
    if path is not None:
        refuse_network_share(data_dir)
        prepare_data_dir(data_dir)  # `explorer backup`, `audit`… on a new data folder
        clear_stale_copies(data_dir)  # left by a restore that was killed
        check_clinic_file(backend)
        try:
            migrate.check_file_kind(path, "clinic")  # before an engine touches it
        except migrate.ForeignDatabase as exc:  # not ours: offer the newest good backup
            raise ClinicDatabaseProblem(
                exc, newest_good_backup(backend), backend.backup_dir
            ) from exc
        make_private(path)
    engine = backend.engine("clinic")
    try:
        if path is None:
            backend.upgrade(engine, "clinic")
        else:
            _upgrade(engine, backend, clock)
        _ensure_identity(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _upgrade(engine: Engine, backend: Backend, clock: Clock) -> None:
    data_dir = backend.data_dir
    path, head = data_dir / CLINIC_DB, migrate.HEADS["clinic"]
    try:
        current = migrate.current_revision(engine)
    except OperationalError as exc:
        raise backend.problem("clinic", exc) from exc
    if current == head:
        return
    try:
        migrate.check_kind(engine, "clinic", current)  # before any copy is made of it
    except migrate.ForeignDatabase as exc:  # not ours: offer the newest good backup
        raise ClinicDatabaseProblem(exc, newest_good_backup(backend), backend.backup_dir) from exc
    safety: Backup | None = None
    if current is not None:  # a database with data in it: a verified copy first
        try:
            safety = make_backup(backend, f"{SAFETY_PREFIX}upgrade-{head}", clock=clock)
        except BackupFailed as exc:
            raise BackupFailed(
                f"The clinic database needs an upgrade (schema {current} → {head}), and the "
                f"backup that must come first failed. Nothing was changed. {exc}"
            ) from exc
    try:
        changed = migrate.upgrade(engine, "clinic")
    except migrate.SchemaTooNew as exc:
        raise UserFacingError(str(exc)) from exc
    except migrate.ForeignDatabase as exc:  # not ours: offer the newest good backup
        raise ClinicDatabaseProblem(exc, newest_good_backup(backend), backend.backup_dir) from exc
    except Exception as exc:
        if isinstance(exc, DatabaseProblem) and exc.locked:
            raise  # another window holds the write lock: nothing ran, no restore needed
        if isinstance(exc, OperationalError) and backend.problem("clinic", exc).locked:
            raise backend.problem("clinic", exc) from exc  # nothing ran: no restore needed
        log.info("upgrade of %s to %s failed", path, head, exc_info=True)  # window log file
        log.warning("upgrade of %s to %s failed: %s", path, head, exc)
        if safety is None:
            raise
        raise _rolled_back(engine, backend, safety, current, head, exc, clock) from exc
    if changed:
        log.info("upgraded clinic database %s from %s to %s", path, current, head)


def _rolled_back(
    engine: Engine,
    backend: Backend,
    safety: Backup,
    current: str | None,
    head: str,
    exc: Exception,
    clock: Clock,
) -> MigrationRolledBack:
    engine.dispose()
    data_dir = backend.data_dir
    path = data_dir / CLINIC_DB
    try:
        result = put_back(backend, safety.path, "failed-upgrade", clock=clock)
    except RestoreFailed as failed:
        return MigrationRolledBack(
            f"Upgrading the clinic database {path} ({current} → {head}) failed ({exc}), and "
            f"putting back the backup taken just before also failed ({failed}). Your data is "
            f"in that backup: {safety.path}. Do not use the application until it is restored "
            f'(explorer restore "{safety.path}").'
        )
    _prune_failed_upgrades(data_dir)
    kept = (
        f" The file that failed the upgrade is kept as {result.kept_as.name}."
        if result.kept_as
        else ""
    )
    return MigrationRolledBack(
        f"Upgrading the clinic database {path} (schema {current} → {head}) failed ({exc}). "
        f"It was rolled back: the backup taken just before the upgrade ({safety.path.name}) "
        f"was put back, so your consults are exactly as before.{kept} Consults cannot be "
        "opened with this version until the problem is fixed; keep using the previous version "
        f"and send the log ({log_dir(data_dir)}) to support."
    )


FAILED_UPGRADES_KEPT = 2
"""A failed upgrade is tried again at every start (a fixed version may be installed); each
try keeps the file that failed. They hold the same data, so only the newest few stay."""


def _prune_failed_upgrades(data_dir: Path) -> None:
    kept = sorted(
        (p for p in data_dir.glob(f"{CLINIC_DB}.failed-upgrade-*") if p.name[-4:] not in _SIDES),
        key=lambda p: p.name,
        reverse=True,
    )
    for old in kept[FAILED_UPGRADES_KEPT:]:
        for path in (old, *(old.with_name(old.name + side) for side in _SIDES)):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not remove %s: %s", path, exc)


_SIDES = ("-wal", "-shm")


def _ensure_identity(clinic: Engine) -> None:
    with Session(writer(clinic)) as session, session.begin():
        advisory_lock(session.connection(), "clinic identity")
        if session.get(ClinicInfo, "created_at") is None:
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            session.add(ClinicInfo(key="created_at", value=now))


@dataclass(frozen=True)
class Restored:
    """The outcome of a restore, for the message to the user."""

    source: Path
    kept_as: Path | None
    consults: int
    indexes_rebuilt: bool = False


def _check_is_clinic_database(source: Path) -> None:
    try:
        con = lenient(sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True, timeout=2))
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            revision = (
                con.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
        finally:
            con.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise RestoreFailed(f"{source} cannot be read ({exc}). Nothing was changed.") from exc
    if "clinic_info" not in tables or revision is None:
        raise RestoreFailed(
            f"{source} is not a clinic database of this application (no consult tables). "
            "Nothing was changed."
        )
    if revision[0] not in migrate.known_revisions("clinic"):
        raise RestoreFailed(
            f"{source} was written by a newer version of the application (schema "
            f"{revision[0]}); update the application first. Nothing was changed."
        )


def restore_clinic(
    backend: Backend, source: Path, *, clinician: str, clock: Clock = dt.datetime.now
) -> Restored:
    """Put the backup ``source`` in place of ``clinic.sqlite`` and record it in its audit log.

    The caller must have closed its connections to the clinic database. The current file is
    kept aside (``damaged-…`` when it is damaged, ``replaced-…`` otherwise; a link is kept as
    a link, even to a file that is not there).
    """
    data_dir = backend.data_dir
    source = source.expanduser().resolve()
    if not source.is_file():
        raise RestoreFailed(f"{source} does not exist or is not a file. Nothing was changed.")
    if source == (data_dir / CLINIC_DB).resolve():
        raise RestoreFailed(f"{source} is the clinic database itself; choose a backup.")
    check_backup(source)  # the same definition of a good backup as the list and the advice
    _check_is_clinic_database(source)
    try:
        check_sqlite_file(data_dir / CLINIC_DB)
        _refuse_emptied(data_dir / CLINIC_DB, backend)
        label = "replaced"
    except DatabaseProblem as exc:  # a full disk or a link to nothing is not damage
        label = "damaged" if exc.damaged else "replaced"
    result = put_back(backend, source, label, clock=clock)
    engine = open_clinic_db(backend, clock=clock)  # upgrades an older backup (backed up first)
    try:
        detail = f"from {source.name}" + (
            f"; previous file kept as {result.kept_as.name}" if result.kept_as else ""
        )
        AuditLog(engine).record(AuditAction.RESTORED_FROM_BACKUP, clinician, detail=detail)
        with engine.connect() as connection:
            consults = connection.exec_driver_sql(
                "SELECT count(*) FROM consult WHERE deleted_at IS NULL"
            ).scalar_one()
    finally:
        engine.dispose()
    return Restored(source, result.kept_as, int(consults), result.indexes_rebuilt)
