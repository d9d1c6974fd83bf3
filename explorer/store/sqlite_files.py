"""Checks on SQLite files with the standard library only (usable before SQLAlchemy loads)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from explorer.errors import UserFacingError


class DatabaseProblem(UserFacingError):
    """A database that cannot be used; the message says what and what to do.

    ``path`` is the file concerned (when known); ``locked`` says the file is in use by
    another program rather than damaged; ``writes_refused`` that it can still be read.
    """

    writes_refused = False
    """The database can be read but refuses writes (disk full, read-only, a newer schema)."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        locked: bool = False,
        writes_refused: bool = False,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.locked = locked
        self.writes_refused = writes_refused or type(self).writes_refused


def check_sqlite_file(path: Path) -> None:
    """Raise :class:`DatabaseProblem` if ``path`` exists but is not a healthy SQLite file.

    Uses ``PRAGMA quick_check``; never modifies the file.
    """
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise DatabaseProblem(f"{path} cannot be read ({exc.strerror}).", path=path) from exc
    if header and header != b"SQLite format 3\x00":
        raise DatabaseProblem(f"{path} is not a SQLite database (wrong file header).", path=path)
    if not header:
        return  # a zero-length file is a database that was never written
    try:
        con = lenient(sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=2))
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseProblem(
                f"{path} is locked by another program; close it and try again.",
                path=path,
                locked=True,
            ) from exc
        raise DatabaseProblem(f"{path} is damaged or unreadable ({exc}).", path=path) from exc
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(f"{path} is damaged or unreadable ({exc}).", path=path) from exc
    except UnicodeDecodeError as exc:  # SQLite's own message quoted garbled schema text
        raise DatabaseProblem(
            f"{path} is damaged or unreadable (its schema text is garbled).", path=path
        ) from exc
    if rows != [("ok",)]:
        raise DatabaseProblem(f"{path} failed its integrity check: {rows[0][0]}.", path=path)


def lenient(connection: sqlite3.Connection) -> sqlite3.Connection:
    """Text from a file that may be damaged is decoded leniently: a check that reports
    damage must not itself fail on the damaged bytes it quotes."""
    connection.text_factory = lambda data: data.decode("utf-8", "replace")
    return connection


IN_USE = "the data is in use by another window"


def problem_of(path: Path, error: str) -> DatabaseProblem:
    """A SQLite failure on ``path`` as a :class:`DatabaseProblem`, with what it means:
    busy (another window holds the write lock), or writes refused (full, read-only)."""
    text = error.lower()
    return DatabaseProblem(
        describe_failure(path, error),
        path=path,
        locked="locked" in text or "busy" in text,
        writes_refused="full" in text or "readonly" in text or "read-only" in text,
    )


def describe_failure(path: Path, error: str) -> str:
    """What a SQLite failure on ``path`` means for the user, and what to do about it."""
    text = error.lower()
    if "locked" in text or "busy" in text:
        return (
            f"Could not use {path}: {IN_USE} or program, which kept it busy. Close the other "
            "window or wait a moment, then try again."
        )
    if "full" in text:
        return (
            f"Could not write to {path}: the disk (or the database) is full. What was saved "
            "before is intact; free some disk space, then try again."
        )
    if "readonly" in text or "read-only" in text:
        return f"Could not write to {path}: it is read-only; check the folder's permissions."
    if "disk i/o" in text:
        return (
            f"Could not write to {path}: the disk reported an error. Check the disk, then "
            "try again."
        )
    return f"{path} could not be used ({error})."


PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private(path: Path) -> None:
    """Create ``path`` (and its SQLite side files) readable by the current user only.

    On POSIX the database and its ``-wal``/``-shm``/``-journal`` files get mode 0600 (SQLite
    gives new side files the database's mode). Windows per-user folders already restrict
    access through their ACLs; nothing is changed there.
    """
    if os.name != "posix":
        return
    try:
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
        for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
            if candidate.exists() and candidate.stat().st_mode & 0o077:
                candidate.chmod(PRIVATE_FILE_MODE)
    except OSError as exc:
        raise DatabaseProblem(
            f"Cannot make {path} private to this user ({exc.strerror}); check the folder's "
            "permissions."
        ) from exc


SIDE_FILES = ("-wal", "-shm", "-journal")
