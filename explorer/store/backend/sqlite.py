"""Engines for the two SQLite databases, with the settings that keep data safe.

Every connection gets ``foreign_keys=ON``, WAL journalling, ``synchronous=FULL``
(a commit that returned has reached the disk) and a busy timeout, and runs real
``BEGIN`` transactions so DDL in a migration is atomic (the pysqlite recipe from
SQLAlchemy's documentation).

Transactions that write go through :func:`explorer.store.backend.writer`: they start
with ``BEGIN IMMEDIATE``, taking the write lock first (waiting up to the busy timeout for
another window or process). A deferred transaction that reads and then writes fails at
once with "database is locked" when another process committed in between; an immediate
one waits.

Any SQLite operational failure (database or disk full, locked past the busy timeout,
read-only, I/O error) surfaces as :class:`DatabaseProblem`, whose message says what
happened and what to do, never as a driver traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from explorer.store.backend.guard import (
    BUSY_TIMEOUT_MS,
    WAIT_OPTION,
    WRITE_OPTION,
    check_write,
)
from explorer.store.problems import DatabaseProblem
from explorer.store.sqlite_files import check_sqlite_file, problem_of

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DatabaseProblem",
    "check_sqlite_file",
    "database_problem",
    "sqlite_engine",
]


def sqlite_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on the SQLite file at ``path`` (created when missing, unless read-only)."""
    if read_only:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.as_posix()}"
    # hide_parameters: an error's text never carries the values (consult notes) into a log
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
    )

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
        options = connection.get_execution_options()
        wait = int(options.get(WAIT_OPTION, BUSY_TIMEOUT_MS))
        connection.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
        immediate = options.get("sqlite_begin") == "IMMEDIATE"
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        if options.get(WRITE_OPTION):
            check_write(connection, None, str(path))

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> Exception | None:
        original = context.original_exception
        if isinstance(original, sqlite3.OperationalError):
            return problem_of(path, original)
        return None

    return engine


def database_problem(path: Path, exc: SQLAlchemyError) -> DatabaseProblem:
    """A SQLAlchemy error on the database at ``path``, as a message for the user (the same
    words as the engine's own error handler, which converts most of them already)."""
    orig = getattr(exc, "orig", None)
    return problem_of(path, orig if isinstance(orig, BaseException) else exc)
