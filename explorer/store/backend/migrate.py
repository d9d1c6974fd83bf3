"""Bring a database to the schema this version of the application expects.

The clinic database migrates with Alembic (``db/migrations/clinic``); the knowledge base is
one stored document whose tables are created, or converted from the retired Alembic layout,
by :func:`explorer.store.kb_tables.install`. Both keep their version in ``alembic_version``.
Alembic is imported only when a migration is needed; a database already at head is
recognised with one query, so start-up pays nothing for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from explorer.paths import migrations_dir
from explorer.store.backend import advisory_lock
from explorer.store.backend.guard import WAIT_OPTION, upgrade_lock_name
from explorer.store.backend.postgres import SCHEMAS, ensure_schema
from explorer.store.heads import HEADS, KNOWLEDGE_REVISIONS, Kind
from explorer.store.problems import DatabaseProblem, ProblemKind

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "HEADS",
    "ForeignDatabase",
    "Kind",
    "MigrationFailed",
    "SchemaTooNew",
    "check_not_too_new",
    "current_revision",
    "upgrade",
]


class MigrationFailed(Exception):
    """A migration ran into inconsistent data; its transaction was rolled back."""


class SchemaTooNew(Exception):
    """The database was written by a newer version of the application."""


class ForeignDatabase(DatabaseProblem):
    """A SQLite file that is not this kind of database: the other one of the pair, or
    another program's. Never migrated (that would write this application's tables into it)."""

    kind = ProblemKind.DAMAGED  # a restore (or a rebuild) is the cure


MIGRATION_WAIT_MS = 60_000
"""How long a start waits for another process's migration (first start builds ~1 s)."""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if connection.dialect.name == "postgresql":
        # the schema of the search path may not exist yet (a new server database)
        if connection.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
            return None
    elif not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_file_kind(path: Path, kind: Kind) -> None:
    """Like :func:`check_kind`, read-only with the standard library, before any engine
    opens the file (opening one switches it to WAL, which writes to it)."""
    import sqlite3

    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=5)
        try:
            tables = [
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            current = (
                con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
                if "alembic_version" in tables
                else None
            )
        finally:
            con.close()
    except (sqlite3.Error, TypeError, UnicodeDecodeError):
        return  # unreadable: the damage checks report it
    if current == HEADS[kind]:
        return
    foreign = [t for t in tables if not t.startswith("sqlite_")] if current is None else []
    _refuse_foreign(path, kind, current, foreign)


def check_kind(engine: Engine, kind: Kind, current: str | None) -> None:
    """Raise :class:`ForeignDatabase` unless the database at revision ``current`` is empty
    or of ``kind``."""
    foreign: list[str] = []
    if current is None:  # read again, in one snapshot: another start may have created it
        # (PostgreSQL's default isolation takes a new snapshot per statement: the tables of
        # another PC's upgrade committed between the two reads looked like another program's)
        snapshot: Engine = engine  # SQLite: one transaction is one snapshot
        if engine.dialect.name == "postgresql":
            snapshot = engine.execution_options(isolation_level="REPEATABLE READ")
        with snapshot.connect() as connection, connection.begin():
            current = _revision(connection)
            if current is None:
                names = inspect(connection).get_table_names()
                foreign = [t for t in names if not t.startswith("sqlite_")]
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database or "")
        _refuse_foreign(path, kind, current, foreign, where=str(path))
    else:
        url = engine.url
        where = (
            f"The schema {SCHEMAS[kind]} of the PostgreSQL database {url.database} on "
            f"{url.host or 'localhost'}:{url.port or 5432}"
        )
        _refuse_foreign(None, kind, current, foreign, where=where)


def _refuse_foreign(
    path: Path | None, kind: Kind, current: str | None, foreign: list[str], *, where: str = ""
) -> None:
    where = where or str(path)
    if current is None and foreign:
        raise ForeignDatabase(
            f"{where} is not a {kind} database of this application: it holds another "
            f"program's tables ({', '.join(sorted(foreign)[:3])}). It was not changed.",
            path=path,
        )
    other: Kind = "knowledge" if kind == "clinic" else "clinic"
    if current is not None and current in known_revisions(other):
        raise ForeignDatabase(
            f"{where} is this application's {other} database, not its {kind} database (the "
            "files were swapped or copied over each other, or the schemas renamed). It was "
            "not changed.",
            path=path,
        )


def _config(kind: Kind) -> Config:
    # alembic is imported here, not at module level: start-up never needs it at head
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir(kind)))
    return config


def known_revisions(kind: Kind) -> list[str]:
    """All revision ids of ``kind``, oldest first."""
    if kind == "knowledge":
        return list(KNOWLEDGE_REVISIONS)
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config(kind))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(engine: Engine, kind: Kind, target: str = "head") -> bool:
    """Upgrade to ``target``; return True if anything ran. Refuses a schema newer than ours.

    On PostgreSQL the upgrade holds an advisory lock, so two PCs upgrading the shared
    database at once run it once: the second waits, then finds it at head.
    """
    postgres = engine.dialect.name == "postgresql"
    current = None if postgres and not _schema_exists(engine, kind) else current_revision(engine)
    if target == "head" and current == HEADS[kind]:
        return False
    check_kind(engine, kind, current)
    check_not_too_new(kind, current)
    with engine.connect() as connection:
        # BEGIN IMMEDIATE: one process migrates, the others wait for its commit (first
        # start of several windows at once) and then find the database at head.
        connection.execution_options(sqlite_begin="IMMEDIATE", **{WAIT_OPTION: MIGRATION_WAIT_MS})
        # SQLite's batch mode rebuilds tables (copy, drop, rename), which foreign keys
        # would block; switch them off for the migration (only possible outside a
        # transaction) and check every reference before the commit instead.
        dbapi = connection.connection.dbapi_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            dbapi.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                if postgres:
                    connection.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_WAIT_MS}ms'"))
                    advisory_lock(connection, upgrade_lock_name(kind))
                    ensure_schema(connection, kind)
                revision = _revision(connection)
                if target == "head" and revision == HEADS[kind]:
                    return False  # another process migrated it while this one waited
                check_not_too_new(kind, revision)
                if kind == "knowledge":
                    from explorer.store.kb_tables import install

                    install(connection, revision, None if postgres else _path(engine))
                else:
                    from alembic import command

                    config = _config(kind)
                    config.attributes["connection"] = connection
                    command.upgrade(config, target)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise MigrationFailed(
                            f"the {kind} migration left {len(broken)} broken reference(s); "
                            "nothing was changed"
                        )
        finally:
            if sqlite:
                dbapi.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    return True


def _path(engine: Engine) -> Path:
    return Path(engine.url.database or "")


def check_not_too_new(kind: Kind, revision: str | None) -> None:
    """Raise :class:`SchemaTooNew` for a revision this version does not know (a newer
    application upgraded the database, on this PC or, on a server, on another one)."""
    if revision is not None and revision not in known_revisions(kind):
        raise SchemaTooNew(
            f"The {kind} database has schema revision {revision}, newer than this version of "
            "the application understands: another PC (or a newer version here) upgraded it. "
            "Update this PC: install the current version of the application; nothing was "
            "written."
        )


def _schema_exists(engine: Engine, kind: Kind) -> bool:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :name"),
            {"name": SCHEMAS[kind]},
        ).scalar()
    return found is not None
