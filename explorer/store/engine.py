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
from sqlalchemy.exc import SQLAlchemyError

from explorer.store.sqlite_files import DatabaseProblem, check_sqlite_file

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DatabaseProblem",
    "check_sqlite_file",
    "database_problem",
    "sqlite_engine",
]

BUSY_TIMEOUT_MS = 5000


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


def database_problem(path: Path, exc: SQLAlchemyError) -> DatabaseProblem:
    """A SQLAlchemy error on the database at ``path``, as a message for the user."""
    text = str(getattr(exc, "orig", exc))
    if "locked" in text or "busy" in text:
        return DatabaseProblem(
            f"{path} is in use by another program; close it and try again.",
            path=path,
            locked=True,
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseProblem(f"{path} is read-only; check the folder's permissions.", path=path)
    if "disk" in text and "full" in text:
        return DatabaseProblem(
            f"The disk holding {path} is full; free some space and retry.", path=path
        )
    return DatabaseProblem(f"{path} could not be used ({text}).", path=path)
