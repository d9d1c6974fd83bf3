"""Data folders written before the knowledge base became one stored document.

The fixtures in tests/store/legacy/ were written by the previous version of the application
(main at c14c7fc, its Alembic chain of the knowledge base): ``knowledge-0006-imported`` is
the shipped content exported, retitled "Reviewed by our clinic", one treatment renamed and
imported (``explorer kb import``) at the last revision; ``knowledge-0004-imported`` is an
imported knowledge base at an older revision, from before the plain names existed.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import sqlite3
from pathlib import Path

import pytest

from explorer.services import knowledge
from explorer.services.stores import open_stores
from explorer.store.backend import migrate
from explorer.store.heads import KNOWLEDGE_HEAD
from tests.engines import backend_for, backend_of

LEGACY = Path(__file__).resolve().parent / "legacy"
EXPORT_OF_0006_BY_THE_PREVIOUS_VERSION = (
    "bdce30915d0f32baae078bd4b74d3ee825a787b13526d2654f5bc61b2d43a6b7"
)
"""sha256 of ``explorer kb export`` of the 0006 fixture, run by the previous version (format
4: the format-3 export of before plus funding "not reported", causation "not established" and
the new optional fields, empty)."""


def _legacy_folder(folder: Path, name: str, *changes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = LEGACY / name
    sql = (
        gzip.decompress(source.read_bytes()).decode("utf-8")
        if source.suffix == ".gz"
        else source.read_text(encoding="utf-8")
    )
    con = sqlite3.connect(folder / "knowledge.sqlite")
    con.executescript(sql)
    with con:
        for change in changes:
            con.execute(change)
    con.close()
    return folder


def _tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def test_an_imported_knowledge_base_of_the_last_revision_is_converted_exactly(
    tmp_path: Path,
) -> None:
    folder = _legacy_folder(tmp_path / "data", "knowledge-0006-imported.sql.gz")
    stores = open_stores(backend_of(folder))
    try:
        assert migrate.current_revision(stores.knowledge) == KNOWLEDGE_HEAD
        exported = knowledge.document_json(knowledge.export_document_of(stores))
        with stores.knowledge_session() as session:
            info = stores.repository(session).info()
            tens = stores.repository(session).treatment("watchful-waiting")
    finally:
        stores.close()
    assert hashlib.sha256(exported.encode()).hexdigest() == EXPORT_OF_0006_BY_THE_PREVIOUS_VERSION
    assert info.title == "Reviewed by our clinic"
    assert info.content_origin == "imported from clinic.json"  # not refreshed from shipped
    assert tens.name == "Watchful waiting (clinic wording)"
    assert _tables(folder / "knowledge.sqlite") == {
        "alembic_version",
        "kb_document",
        "kb_treatment",
    }
    assert not list(folder.glob("knowledge.sqlite.*"))  # nothing needed keeping aside


def test_shipped_content_in_the_old_layout_is_built_again(tmp_path: Path) -> None:
    folder = _legacy_folder(
        tmp_path / "data",
        "knowledge-0006-imported.sql.gz",
        "UPDATE kb_meta SET content_origin = 'shipped'",
    )
    stores = open_stores(backend_of(folder))
    try:
        with stores.knowledge_session() as session:
            info = stores.repository(session).info()
    finally:
        stores.close()
    assert info.content_origin == "shipped"
    assert info.title != "Reviewed by our clinic"
    assert not list(folder.glob("knowledge.sqlite.*"))


@pytest.mark.parametrize(
    ("fixture", "changes", "why"),
    [
        ("knowledge-0004-imported.sql", (), "old revision 0004"),
        (
            "knowledge-0006-imported.sql.gz",
            ("UPDATE treatment SET plain_name = ''",),
            "treatments.0.plain_name",
        ),
    ],
)
def test_imported_content_that_cannot_be_converted_is_kept_aside_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, fixture: str, changes, why: str
) -> None:
    """An import from before the plain-language fields cannot be a valid document: the old
    file is kept (renamed, whole), the shipped content is used, and a warning says so."""
    folder = _legacy_folder(tmp_path / "data", fixture, *changes)
    con = sqlite3.connect(folder / "knowledge.sqlite")
    before = con.execute("SELECT * FROM treatment ORDER BY id").fetchall()
    con.close()
    with caplog.at_level(logging.WARNING):
        stores = open_stores(backend_of(folder))
    try:
        with stores.knowledge_session() as session:
            info = stores.repository(session).info()
    finally:
        stores.close()
    assert info.content_origin == "shipped"
    (kept,) = folder.glob("knowledge.sqlite.before-upgrade-*")
    con = sqlite3.connect(kept)
    assert con.execute("SELECT * FROM treatment ORDER BY id").fetchall() == before
    assert con.execute("SELECT content_origin FROM kb_meta").fetchall() != [("shipped",)]
    con.close()
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert why in warning and str(kept) in warning and "import" in warning


def test_a_knowledge_base_of_a_newer_layout_is_refused_and_left_alone(tmp_path: Path) -> None:
    from explorer.errors import UserFacingError

    folder = tmp_path / "data"
    open_stores(backend_of(folder)).close()
    con = sqlite3.connect(folder / "knowledge.sqlite")
    with con:
        con.execute("UPDATE alembic_version SET version_num = 'kb99.1'")
    con.close()
    with pytest.raises(UserFacingError, match="Update this PC"):
        open_stores(backend_of(folder))
    con = sqlite3.connect(folder / "knowledge.sqlite")
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("kb99.1",)]
    con.close()


def _load_on_server(url: str, name: str, *changes: str) -> None:
    """The SQLite fixture's tables and rows in the server's ``knowledge`` schema (its types
    translated: booleans stay 0/1 integers, foreign keys are left out of the load)."""
    import re

    import psycopg

    sql = gzip.decompress((LEGACY / name).read_bytes()).decode("utf-8")
    sql = "\n".join(
        line for line in sql.splitlines() if line not in ("BEGIN TRANSACTION;", "COMMIT;")
    )
    sql = re.sub(r",\s*\n\tCONSTRAINT fk_\w+ FOREIGN KEY[^\n]*?(?=,? ?\n)", "", sql)
    sql = sql.replace(" BOOLEAN", " INTEGER").replace(" DATETIME", " TIMESTAMP")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("CREATE SCHEMA knowledge")
        connection.execute("SET search_path TO knowledge")
        connection.execute(sql.encode("utf-8"))
        for change in changes:
            connection.execute(change.encode("utf-8"))


@pytest.mark.parametrize("convertible", [True, False])
def test_an_old_knowledge_schema_on_a_server_is_converted_its_tables_kept(
    new_postgres_database: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, convertible
) -> None:
    from sqlalchemy import text

    from explorer.store.backend.postgres import parse_server_url

    changes = () if convertible else ("UPDATE treatment SET plain_name = ''",)
    _load_on_server(new_postgres_database, "knowledge-0006-imported.sql.gz", *changes)
    with caplog.at_level(logging.WARNING):
        stores = open_stores(backend_for(tmp_path, parse_server_url(new_postgres_database)))
    try:
        assert migrate.current_revision(stores.knowledge) == KNOWLEDGE_HEAD
        exported = knowledge.document_json(knowledge.export_document_of(stores))
        with stores.knowledge_session() as session:
            info = stores.repository(session).info()
            old_rows = session.execute(text("SELECT count(*) FROM treatment")).scalar()
    finally:
        stores.close()
    assert old_rows == 14  # the old tables stay (a PC not yet updated may still read them)
    digest = hashlib.sha256(exported.encode()).hexdigest()
    if convertible:
        assert digest == EXPORT_OF_0006_BY_THE_PREVIOUS_VERSION
        assert info.content_origin == "imported from clinic.json"
    else:
        assert info.content_origin == "shipped"
        warning = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
        assert "old tables are kept on the server" in warning


@pytest.mark.parametrize("with_step", [True, False])
def test_a_stored_document_of_an_older_format_is_upgraded_by_its_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, with_step
) -> None:
    """The next format (4) will register its step in explorer.kb.upgrade; a knowledge base
    stored in format 3 is then upgraded when opened. Here a test-only step 2 -> 3 upgrades a
    stored "format 2" document; without a step, the content is kept aside as above."""
    import shutil

    from explorer.kb import upgrade
    from tests.conftest import CONTENT

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    folder = tmp_path / "data"
    stores = open_stores(backend_of(folder))
    try:
        knowledge.build(stores, content)  # not shipped: must never be silently replaced
        before = knowledge.document_json(knowledge.export_document_of(stores))
    finally:
        stores.close()
    con = sqlite3.connect(folder / "knowledge.sqlite")
    with con:
        con.execute("UPDATE alembic_version SET version_num = 'kb2.1'")
        con.execute(
            "UPDATE kb_document SET format_version = 2, "
            "document = replace(document, '\"format_version\":4', '\"format_version\":2')"
        )
    con.close()
    steps: list[int] = []
    if with_step:
        monkeypatch.setitem(upgrade.STEPS, 2, lambda data: steps.append(2) or data)
    with caplog.at_level(logging.WARNING):
        stores = open_stores(backend_of(folder))
    try:
        assert migrate.current_revision(stores.knowledge) == KNOWLEDGE_HEAD
        after = knowledge.document_json(knowledge.export_document_of(stores))
        with stores.knowledge_session() as session:
            origin = stores.repository(session).info().content_origin
    finally:
        stores.close()
    if with_step:
        assert steps == [2] and after == before and origin == f"built from {content}"
    else:
        assert origin == "shipped"
        assert list(folder.glob("knowledge.sqlite.before-upgrade-*"))
        assert "could not be converted" in caplog.text
