"""Migrations on a PostgreSQL server: from an empty database and, for the clinic schema, from
every earlier revision with data intact; two PCs upgrading at once (advisory lock); a PC
older than the server's schema refuses to write and says "update this PC"."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from explorer.store import kb_tables
from explorer.store.backend import migrate
from explorer.store.backend.postgres import parse_server_url, server_engine
from explorer.store.clinic_models import ClinicBase
from explorer.store.heads import Kind
from tests.engines import backend_for
from tests.store.test_migrations import _ROWS_BY_REVISION, _TABLES


def _engine(url: str, kind: Kind) -> Engine:
    return server_engine(parse_server_url(url), kind)


@pytest.mark.parametrize(
    ("kind", "metadata"), [("knowledge", kb_tables.metadata), ("clinic", ClinicBase.metadata)]
)
def test_migrations_from_an_empty_server_match_the_models(
    new_postgres_database: str, kind, metadata
) -> None:
    engine = _engine(new_postgres_database, kind)
    try:
        assert migrate.upgrade(engine, kind) is True
        assert migrate.upgrade(engine, kind) is False
        assert migrate.current_revision(engine) == migrate.HEADS[kind]
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
            schema = connection.execute(text("SELECT current_schema()")).scalar()
        assert diff == [] and schema == kind
    finally:
        engine.dispose()


@pytest.mark.parametrize("start", migrate.known_revisions("clinic"))
def test_every_clinic_revision_upgrades_on_postgres(new_postgres_database, start) -> None:
    engine = _engine(new_postgres_database, "clinic")
    try:
        migrate.upgrade(engine, "clinic", start)
        revisions = migrate.known_revisions("clinic")
        upto = revisions[: revisions.index(start) + 1]
        with engine.begin() as connection:
            for statement in (s for r in upto for s in _ROWS_BY_REVISION[r]):
                connection.exec_driver_sql(statement)
            before = {
                t: connection.exec_driver_sql(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in (_TABLES[r] for r in upto)
            }
        migrate.upgrade(engine, "clinic")
        assert migrate.current_revision(engine) == migrate.HEADS["clinic"]
        with engine.connect() as connection:
            for table, rows in before.items():
                after = connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1")
                assert after.fetchall() == rows, table
    finally:
        engine.dispose()


def test_a_pc_older_than_the_server_schema_refuses_and_says_update_this_pc(
    new_postgres_database, tmp_path, monkeypatch
) -> None:
    from explorer.errors import UserFacingError
    from explorer.services.stores import open_stores

    open_stores(backend_for(tmp_path, parse_server_url(new_postgres_database))).close()
    engine = _engine(new_postgres_database, "clinic")
    with engine.begin() as connection:  # a newer application on another PC upgraded it
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'c9999'")
    engine.dispose()
    with pytest.raises(UserFacingError, match="Update this PC"):
        open_stores(backend_for(tmp_path, parse_server_url(new_postgres_database)))


UPGRADE = """
import sys, time
from pathlib import Path
from explorer.services.stores import open_stores
from explorer.store.backend import backend_for
from explorer.store.backend.postgres import parse_server_url
start = float(sys.argv[3])
while time.time() < start:
    pass
open_stores(backend_for(Path(sys.argv[1]), parse_server_url(sys.argv[2]))).close()
print("ok")
"""


@pytest.mark.slow
def test_four_pcs_upgrading_an_empty_server_at_once_all_succeed(
    new_postgres_database, tmp_path
) -> None:
    """The advisory lock: one PC creates, migrates and fills; the others wait, then find the
    schemas at head and the knowledge base filled (no duplicate rows, no error)."""
    start = time.time() + 4
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                UPGRADE,
                str(tmp_path / f"pc{n}"),
                new_postgres_database,
                str(start),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0 and out.strip() == "ok", err
    engine = _engine(new_postgres_database, "knowledge")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM kb_document").scalar() == 1
            assert connection.exec_driver_sql("SELECT count(*) FROM kb_treatment").scalar() >= 14
    finally:
        engine.dispose()
