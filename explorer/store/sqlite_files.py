"""Checks on SQLite files with the standard library only (usable before SQLAlchemy loads)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from pathlib import Path

from explorer.store.problems import DatabaseProblem, ProblemKind


def check_sqlite_file(path: Path) -> None:
    """Raise :class:`DatabaseProblem` if ``path`` exists but is not a healthy SQLite file
    (or is a link to a file that is not there).

    Uses ``PRAGMA quick_check``; never modifies the file. A disk that is full or read-only,
    or a file this user may not read, is named as such (:class:`ProblemKind`), never as damage.
    """
    if dangling_link(path):
        raise missing_problem(path)
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise problem_of(path, exc) from exc
    if header and header != b"SQLite format 3\x00":
        raise DatabaseProblem(
            f"{path} is not a SQLite database (wrong file header).",
            path=path,
            kind=ProblemKind.DAMAGED,
        )
    if not header:
        return  # a zero-length file is a database that was never written
    try:
        con = lenient(sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=2))
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        problem = problem_of(path, exc)
        if problem.locked:
            raise DatabaseProblem(
                f"{path} is locked by another program; close it and try again.",
                path=path,
                kind=ProblemKind.BUSY,
            ) from exc
        raise problem from exc
    except UnicodeDecodeError as exc:  # SQLite's own message quoted garbled schema text
        raise DatabaseProblem(
            f"{path} is damaged or unreadable (its schema text is garbled).",
            path=path,
            kind=ProblemKind.DAMAGED,
        ) from exc
    if rows != [("ok",)]:
        raise DatabaseProblem(
            f"{path} failed its integrity check: {rows[0][0]}.", path=path, kind=ProblemKind.DAMAGED
        )


def dangling_link(path: Path) -> bool:
    """Whether ``path`` is a symbolic link to a file that does not exist."""
    try:
        return path.is_symlink() and not path.exists()
    except OSError:
        return False


def missing_problem(path: Path) -> DatabaseProblem:
    """``path`` is a link to a file that is not there: never created anew through the link
    (it may point at the clinic's data on a disk that is not connected)."""
    try:
        target = f" {os.readlink(path)},"
    except OSError:
        target = ""
    return DatabaseProblem(
        f"{path} is a link to{target} a file that does not exist (on a disk or network "
        "folder that is not connected?). Connect it, then try again.",
        path=path,
        kind=ProblemKind.MISSING,
    )


def lenient(connection: sqlite3.Connection) -> sqlite3.Connection:
    """Text from a file that may be damaged is decoded leniently: a check that reports
    damage must not itself fail on the damaged bytes it quotes."""
    connection.text_factory = lambda data: data.decode("utf-8", "replace")
    return connection


IN_USE = "the data is in use by another window"

# SQLite's primary result codes (an extended code's low byte is its primary code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_AUTH, _SQLITE_FORMAT, _SQLITE_NOTADB = 23, 24, 26

LOW_DISK_SPACE = 8 * 1024 * 1024
"""Free space below which an I/O failure is taken for a full disk: SQLite reports some
writes refused for want of space (growing its shared-memory file, syncing) as I/O errors."""


def kind_of(path: Path, error: BaseException) -> ProblemKind:
    """What kind of problem ``error`` (a ``sqlite3.Error`` or an ``OSError``) on ``path`` is:
    from SQLite's result code or the system's errno, then, for an I/O failure that does not
    say why, from the disk itself (full, read-only, permissions)."""
    if isinstance(error, OSError):
        return _kind_of_errno(path, error.errno)
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int) or code < 0:
        return _kind_of_text(path, str(error))
    primary = code & 0xFF
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return ProblemKind.BUSY
    if primary == _SQLITE_FULL:
        return ProblemKind.FULL
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB, _SQLITE_FORMAT):
        return ProblemKind.DAMAGED
    if primary in (_SQLITE_PERM, _SQLITE_AUTH):
        return ProblemKind.NO_ACCESS
    if primary == _SQLITE_READONLY:
        return _disk_cause(path) or ProblemKind.READ_ONLY
    if primary == _SQLITE_CANTOPEN and dangling_link(path):
        return ProblemKind.MISSING
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return _disk_cause(path) or ProblemKind.DISK_ERROR
    return _kind_of_text(path, str(error))


def _kind_of_errno(path: Path, number: int | None) -> ProblemKind:
    if number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return ProblemKind.FULL
    if number == errno.EROFS:
        return ProblemKind.READ_ONLY
    if number in (errno.EACCES, errno.EPERM):
        return ProblemKind.NO_ACCESS
    if number == errno.ENOENT and dangling_link(path):
        return ProblemKind.MISSING
    return _disk_cause(path) or ProblemKind.DISK_ERROR


def _kind_of_text(path: Path, error: str) -> ProblemKind:
    """An error without a result code (raised by the sqlite3 module itself)."""
    text = error.lower()
    if "locked" in text or "busy" in text:
        return ProblemKind.BUSY
    if "malformed" in text or "not a database" in text:
        return ProblemKind.DAMAGED
    if "is full" in text:
        return ProblemKind.FULL
    if "readonly" in text or "read-only" in text:
        return ProblemKind.READ_ONLY
    return _disk_cause(path) or ProblemKind.DISK_ERROR


def _disk_cause(path: Path) -> ProblemKind | None:
    """Full, read-only or forbidden: what the disk and the folder say about ``path``."""
    folder = path.parent
    if not folder.is_dir():
        return None  # not a question of space or permissions
    try:
        if shutil.disk_usage(folder).free < LOW_DISK_SPACE:
            return ProblemKind.FULL
    except OSError:
        pass
    if hasattr(os, "statvfs"):
        try:
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                return ProblemKind.READ_ONLY
        except OSError:
            pass
    want = os.R_OK | os.W_OK
    if not os.access(folder, want | os.X_OK) or (path.exists() and not os.access(path, want)):
        return ProblemKind.NO_ACCESS
    return None


def problem_of(path: Path, error: BaseException) -> DatabaseProblem:
    """A SQLite (or file) failure on ``path`` as a :class:`DatabaseProblem`, with what it
    means: busy (another window holds the write lock), full, read-only, no permission,
    damaged; and whether the data can still be read (writes refused)."""
    kind = kind_of(path, error)
    return DatabaseProblem(
        describe_failure(path, error, kind),
        path=path,
        kind=kind,
        writes_refused=kind in (ProblemKind.FULL, ProblemKind.READ_ONLY, ProblemKind.NO_ACCESS),
    )


def describe_failure(path: Path, error: BaseException, kind: ProblemKind | None = None) -> str:
    """What a failure on ``path`` means for the user, and what to do about it."""
    kind = kind or kind_of(path, error)
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    if kind is ProblemKind.BUSY:
        return (
            f"Could not use {path}: {IN_USE} or program, which kept it busy. Close the other "
            "window or wait a moment, then try again."
        )
    if kind is ProblemKind.FULL:
        return (
            f"Could not use {path}: the disk is full ({detail}). What was saved before is "
            "intact; free some disk space, then try again."
        )
    if kind is ProblemKind.READ_ONLY:
        return (
            f"Could not write to {path}: the disk or folder is read-only ({detail}). The data is "
            "intact; make it writable (or choose another data folder), then try again."
        )
    if kind is ProblemKind.NO_ACCESS:
        return (
            f"Could not use {path}: this user has no permission to change it or its folder "
            f"({detail}). The data is intact; check the folder's permissions (or choose "
            "another data folder), then try again."
        )
    if kind is ProblemKind.MISSING:
        return str(missing_problem(path))
    if kind is ProblemKind.DAMAGED:
        return f"{path} is damaged ({detail})."
    return (
        f"Could not use {path}: the disk reported an error ({detail}). Check the disk, then "
        "try again."
    )


PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private(path: Path) -> None:
    """Create ``path`` (and its SQLite side files) readable by the current user only.

    On POSIX the database and its ``-wal``/``-shm``/``-journal`` files get mode 0600 (SQLite
    gives new side files the database's mode). Windows per-user folders already restrict
    access through their ACLs; nothing is changed there.
    """
    if dangling_link(path):
        raise missing_problem(path)  # never a new file through the link
    if os.name != "posix":
        return
    try:
        if not path.exists():
            # O_EXCL: a link put there meanwhile is not followed; another window may have
            # created the file at the same moment
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
        for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
            if candidate.exists() and candidate.stat().st_mode & 0o077:
                candidate.chmod(PRIVATE_FILE_MODE)
    except OSError as exc:
        raise problem_of(path, exc) from exc


SIDE_FILES = ("-wal", "-shm", "-journal")
