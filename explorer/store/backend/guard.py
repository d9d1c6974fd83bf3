"""Refuse to write into a database that a newer version of the application upgraded.

A PC checks the schema revision when it starts; on a shared server another PC may upgrade
the schema while this PC's window stays open for hours. Every write transaction (those of
:func:`explorer.store.backend.writer`) therefore reads the revision again, inside the
transaction, before it writes anything:

- on PostgreSQL it first takes the *shared* form of the advisory lock that an upgrade holds
  exclusively (:func:`explorer.store.backend.migrate.upgrade`), so a write and an upgrade never
  overlap: an upgrade waits for the writes in flight, a write that starts during an upgrade
  waits for it (up to the lock timeout) and then sees the new revision;
- on SQLite ``BEGIN IMMEDIATE`` already excludes an upgrade by another process.

The cost is one small query per write (two round trips on a server).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.store.heads import HEADS, Kind
from explorer.store.problems import SchemaChanged as SchemaChanged  # re-exported
from explorer.store.sqlite_files import problem_of

if TYPE_CHECKING:
    from sqlalchemy import Connection

from explorer.store.backend import BUSY_TIMEOUT_MS, WAIT_OPTION, WRITE_OPTION

__all__ = ["BUSY_TIMEOUT_MS", "WAIT_OPTION", "WRITE_OPTION", "SchemaChanged", "check_write"]


def upgrade_lock_name(kind: Kind) -> str:
    """The advisory lock an upgrade of ``kind`` holds exclusively and writes hold shared."""
    return f"migrate {kind}"


def refuse_unless_current(revision: str | None, expected: Collection[str], where: str) -> None:
    """Raise :class:`SchemaChanged` unless ``revision`` is one this version writes."""
    if revision is None or revision in expected:
        return
    raise SchemaChanged(
        f"The data in {where} was upgraded by a newer version of the application (on another "
        f"PC or in another window; schema {revision}). This window can no longer save to it: "
        "update this PC (install the current version of the application) and start it again. "
        "Nothing was written."
    )


def check_write(connection: Connection, kind: Kind | None, where: str) -> None:
    """First statements of a write transaction (:func:`explorer.store.backend.writer`):
    refuse when the schema is not one this version writes.

    On SQLite, inside ``BEGIN IMMEDIATE``, any kind's head is ours (the engine is on a
    file, whichever database it holds: ``kind`` may be None). On PostgreSQL it first waits for any
    upgrade of ``kind`` to finish (shared advisory lock, held to the end of this
    transaction); errors go through the engine's error handler (a wait past the lock timeout
    reads "in use by another PC")."""
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    on_file = connection.dialect.name == "sqlite"
    if on_file:
        try:
            row = dbapi.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return  # not migrated yet: nothing to judge
            raise problem_of(Path(where), exc) from exc
        revision = None if row is None else str(row[0])
        expected = set(HEADS.values())
    else:
        from explorer.paths import APP_NAME

        assert kind is not None  # a server engine is on one kind's schema
        found = connection.exec_driver_sql(
            "SELECT pg_advisory_xact_lock_shared(hashtext(%(name)s)), "
            "to_regclass('alembic_version') IS NOT NULL",
            {"name": f"{APP_NAME}:{upgrade_lock_name(kind)}"},
        ).one()
        revision = None
        if found[1]:
            query = "SELECT version_num FROM alembic_version"
            revision = connection.exec_driver_sql(query).scalar()
        expected = {HEADS[kind]}
    try:
        refuse_unless_current(revision, expected, where)
    except SchemaChanged:
        if on_file:
            dbapi.execute("ROLLBACK")  # the transaction is ours (isolation_level None)
        else:
            dbapi.rollback()
        raise
