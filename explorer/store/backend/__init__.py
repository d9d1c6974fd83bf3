"""The database the application runs on, chosen once at start-up: the data folder's SQLite
files, or a shared PostgreSQL server (docs/several-pcs.md).

:func:`backend_from_arguments` turns ``--data-dir`` / ``--database-url`` (else
``$EXPLORER_DATA_DIR``, ``$EXPLORER_DATABASE_URL``, ``$EXPLORER_LOCAL_KNOWLEDGE``,
``$EXPLORER_BACKUP_DIR``) into a :class:`Backend`; everything below ``main`` receives that
object and reads no environment variable for it. The backend opens engines, migrates,
classifies errors and describes itself; which engine runs where is known only in this
package (its :mod:`.sqlite` and :mod:`.postgres` parts, import-linter contract "Only the
backend knows the engines").

This facade imports neither SQLAlchemy nor a driver: the window's fast start path uses it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.errors import UserFacingError
from explorer.paths import APP_NAME, CLINIC_DB, DATA_DIR_ENV, KNOWLEDGE_DB

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.exc import SQLAlchemyError

    from explorer.store.backend.postgres import ServerTarget
    from explorer.store.heads import Kind
    from explorer.store.problems import DatabaseProblem

__all__ = [
    "BACKUP_DIR_ENV",
    "BUSY_TIMEOUT_MS",
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "LOCAL_KNOWLEDGE_ENV",
    "SERVER_BACKUPS",
    "Backend",
    "BadDatabaseUrl",
    "ServerTarget",
    "advisory_lock",
    "backend_for",
    "backend_from_arguments",
    "file_engine",
    "parse_server_url",
    "snapshot_reader",
    "writer",
]

log = logging.getLogger(__name__)

DATABASE_URL_ENV = "EXPLORER_DATABASE_URL"
LOCAL_KNOWLEDGE_ENV = "EXPLORER_LOCAL_KNOWLEDGE"
"""Set to 1 to keep the knowledge base in this PC's data folder while consults are shared."""
BACKUP_DIR_ENV = "EXPLORER_BACKUP_DIR"

SERVER_BACKUPS = (
    "This PC uses the shared database server ({where}): its consults are backed up on the "
    "server by the clinic's IT (pg_dump, see docs/several-pcs.md), not copied to this PC, "
    "and a restore is done there too."
)


class BadDatabaseUrl(UserFacingError):
    """A ``--database-url`` that cannot be used; the message says why and what to do."""


BUSY_TIMEOUT_MS = 5000
"""How long a SQLite connection waits for another one's write lock."""
WRITE_OPTION = "explorer_write"
"""Execution option set by :func:`explorer.store.backend.writer` on write transactions."""
WAIT_OPTION = "explorer_wait_ms"
"""Execution option: how long a write transaction waits for locks (SQLite's write lock;
on PostgreSQL, row and advisory locks: ``lock_timeout``)."""

_FILES: dict[Kind, str] = {"knowledge": KNOWLEDGE_DB, "clinic": CLINIC_DB}


@dataclass(frozen=True)
class Backend:
    """Where this process keeps its data: the data folder ``data_dir`` (SQLite files), or the
    PostgreSQL ``server`` (then the data folder still holds logs, settings, and with
    ``server.local_knowledge`` the knowledge base)."""

    data_dir: Path
    server: ServerTarget | None = None
    """The shared server; None means the data folder's SQLite files (nothing else)."""
    backups: Path | None = None
    """The backup folder of the clinic database; None: ``<data folder>/backups``."""

    @property
    def backup_dir(self) -> Path:
        return self.backups if self.backups is not None else self.data_dir / "backups"

    @property
    def uses_server(self) -> bool:
        """True when the consults are on a shared server (backups are the server's then)."""
        return self.server is not None

    def file(self, kind: Kind) -> Path | None:
        """The SQLite file that holds ``kind``, or None when it is on the server."""
        if self.server is not None and (kind == "clinic" or not self.server.local_knowledge):
            return None
        return self.data_dir / _FILES[kind]

    def path(self, kind: Kind) -> Path:
        """The file that holds (or would hold) ``kind`` in the data folder, for messages."""
        return self.data_dir / _FILES[kind]

    def engine(self, kind: Kind) -> Engine:
        """A new engine on the database of ``kind`` (the caller disposes of it)."""
        path = self.file(kind)
        if path is None:
            from explorer.store.backend.postgres import server_engine

            assert self.server is not None
            return server_engine(self.server, kind)
        return file_engine(path)

    def upgrade(self, engine: Engine, kind: Kind) -> bool:
        """Bring ``kind`` to this version's schema (True when it changed); a schema that a
        newer version wrote, or a database that cannot be used, raises a user-facing error."""
        from sqlalchemy.exc import OperationalError

        from explorer.store.backend import migrate

        try:
            changed = migrate.upgrade(engine, kind)
        except migrate.SchemaTooNew as exc:
            raise UserFacingError(str(exc)) from exc
        except OperationalError as exc:
            raise self.problem(kind, exc) from exc
        if changed:
            log.info(
                "migrated the %s database (%s) to %s", kind, self.where(kind), migrate.HEADS[kind]
            )
        return changed

    def problem(self, kind: Kind, error: SQLAlchemyError) -> DatabaseProblem:
        """A driver error on ``kind``'s database, as a message for the user (the same words
        as the engine's own error handler, which converts most of them already)."""
        orig = getattr(error, "orig", None)
        original = orig if isinstance(orig, BaseException) else error
        if self.file(kind) is None:
            from explorer.store.backend.postgres import server_problem

            assert self.server is not None
            found = server_problem(self.server, original)
            if found is not None:
                return found
        from explorer.store.sqlite_files import problem_of

        return problem_of(self.path(kind), original)

    def where(self, kind: Kind) -> str:
        """Where ``kind`` is kept, for a log line or a message."""
        path = self.file(kind)
        if path is None:
            assert self.server is not None
            return self.server.describe()
        return str(path)

    def describe(self) -> str:
        """Which database is in use, for settings, About and ``explorer db info``."""
        if self.server is None:
            return f"SQLite files in {self.data_dir}"
        where = self.server.describe()
        if self.server.local_knowledge:
            return f"{where} (consults); knowledge base in {self.data_dir}"
        return where

    def server_backups(self) -> str:
        """What to say instead of making a backup on a shared server."""
        assert self.server is not None
        return SERVER_BACKUPS.format(where=self.server.describe())


def backend_for(
    data_dir: Path, server: ServerTarget | None = None, *, backups: Path | None = None
) -> Backend:
    """The data folder ``data_dir`` (SQLite), or the ``server`` with ``data_dir`` for logs."""
    return Backend(data_dir, server, backups)


def parse_server_url(text: str, *, local_knowledge: bool = False) -> ServerTarget:
    """A ``--database-url``, checked (PostgreSQL, a database named, no password in it);
    :class:`BadDatabaseUrl` says what is wrong."""
    from explorer.store.backend import postgres

    return postgres.parse_server_url(text, local_knowledge=local_knowledge)


def backend_from_arguments(
    data_dir: str | None = None,
    database_url: str | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
) -> Backend:
    """At start-up, once: ``--data-dir`` and ``--database-url`` as given (None: not given),
    else their environment variables. A bad URL raises :class:`BadDatabaseUrl`."""
    from explorer.paths import resolve_data_dir

    folder = resolve_data_dir(data_dir or environ.get(DATA_DIR_ENV, "").strip() or None)
    url = database_url if database_url is not None else environ.get(DATABASE_URL_ENV, "")
    server = None
    if url.strip():
        local = environ.get(LOCAL_KNOWLEDGE_ENV, "").strip() not in ("", "0")
        server = parse_server_url(url, local_knowledge=local)
    configured = environ.get(BACKUP_DIR_ENV, "").strip()
    return Backend(folder, server, Path(configured).expanduser() if configured else None)


def file_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on the SQLite file ``path`` whatever the backend: a backup, a copy."""
    from explorer.store.backend.sqlite import sqlite_engine

    return sqlite_engine(path, read_only=read_only)


def writer(engine: Engine, *, wait_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """``engine`` whose transactions begin with ``BEGIN IMMEDIATE`` (for writing), waiting
    up to ``wait_ms`` for another connection's write lock (on a server: for row and advisory
    locks), and refuse to write into a schema that a newer version of the application
    upgraded (:mod:`.guard`)."""
    options = {"sqlite_begin": "IMMEDIATE", WAIT_OPTION: wait_ms, WRITE_OPTION: True}
    return engine.execution_options(**options)


def snapshot_reader(engine: Engine) -> Engine:
    """``engine`` whose transactions read one consistent snapshot, read-only on a server."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def advisory_lock(connection: Connection, name: str) -> None:
    """Serialise with every other PC doing ``name`` (until this transaction ends). No-op on
    SQLite, where ``BEGIN IMMEDIATE`` already holds the one write lock."""
    if connection.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    connection.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"{APP_NAME}:{name}"}
    )
