"""Engines for the two SQLite databases, with the settings that keep data safe.

Every connection gets ``foreign_keys=ON``, WAL journalling, ``synchronous=FULL``
(a commit that returned has reached the disk) and a busy timeout, and runs real
``BEGIN`` transactions so DDL in a migration is atomic (the pysqlite recipe from
SQLAlchemy's documentation).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from explorer.errors import UserFacingError

BUSY_TIMEOUT_MS = 5000


class DatabaseProblem(UserFacingError):
    """A database that cannot be used; the message says what and what to do."""


def sqlite_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on the SQLite file at ``path`` (created when missing, unless read-only)."""
    if read_only:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.as_posix()}"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


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
        raise DatabaseProblem(f"{path} cannot be read ({exc.strerror}).") from exc
    if header and header != b"SQLite format 3\x00":
        raise DatabaseProblem(f"{path} is not a SQLite database (wrong file header).")
    if not header:
        return  # a zero-length file is a database that was never written
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=2)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseProblem(
                f"{path} is locked by another program; close it and try again."
            ) from exc
        raise DatabaseProblem(f"{path} is damaged or unreadable ({exc}).") from exc
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(f"{path} is damaged or unreadable ({exc}).") from exc
    if rows != [("ok",)]:
        raise DatabaseProblem(f"{path} failed its integrity check: {rows[0][0]}.")
