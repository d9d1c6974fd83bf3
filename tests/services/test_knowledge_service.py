"""Opening a data directory: first start, refresh of shipped content, separation of data.
On the data folder's SQLite files and on a PostgreSQL server (the ``database`` fixture);
damaged files and unusable folders are about files: SQLite only."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from explorer.errors import UserFacingError
from explorer.paths import CLINIC_DB, KNOWLEDGE_DB
from explorer.services import knowledge
from explorer.services.stores import open_stores
from explorer.store.backend import migrate
from explorer.store.problems import DatabaseProblem
from tests.engines import backend_of, execute, rows

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL


def test_first_start_creates_migrates_and_fills_both_databases(
    tmp_path: Path, empty_database: str
) -> None:
    folder = tmp_path / "fresh" / "nested"
    stores = open_stores(backend_of(folder))
    try:
        with stores.knowledge_session() as session:
            repo = stores.repository(session)
            assert repo.info() is not None
            assert len(repo.treatment_summaries()) >= 14
        assert migrate.current_revision(stores.knowledge) == migrate.HEADS["knowledge"]
        assert migrate.current_revision(stores.clinic) == migrate.HEADS["clinic"]
        assert rows(folder, "clinic", "SELECT key FROM clinic_info") == [("created_at",)]
    finally:
        stores.close()
    if empty_database == "postgres":  # everything on the server, no database file here
        assert stores.knowledge.dialect.name == stores.clinic.dialect.name == "postgresql"
        assert not list(folder.glob("*.sqlite*"))
        return
    for name in (KNOWLEDGE_DB, CLINIC_DB):
        con = sqlite3.connect(folder / name)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() is not None
        con.close()


NOTE = "a consult note that must survive"


def _clinic_fingerprint(folder: Path, database: str) -> tuple[object, list[tuple[str, str]]]:
    """SQLite: a hash of the clinic file. PostgreSQL: every row of the clinic schema with its
    ``xmin`` (the transaction that wrote it: an update, even to the same values, changes it).
    Both with the rows of clinic_info."""
    if database == "postgres":
        from explorer.store.clinic_models import ClinicBase

        tables = sorted([*ClinicBase.metadata.tables, "alembic_version"])
        written = {
            t: rows(folder, "clinic", f"SELECT xmin::text, * FROM {t} ORDER BY 2") for t in tables
        }
        assert written["clinic_info"] and written["alembic_version"]  # not all empty
        info = rows(folder, "clinic", "SELECT key, value FROM clinic_info ORDER BY key")
        return written, info
    con = sqlite3.connect(folder / CLINIC_DB)
    info = con.execute("SELECT key, value FROM clinic_info ORDER BY key").fetchall()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return hashlib.sha256((folder / CLINIC_DB).read_bytes()).hexdigest(), info


def test_rebuilding_or_importing_the_knowledge_base_never_touches_clinic_data(
    data_dir: Path, tmp_path: Path, database: str
) -> None:
    if database == "postgres":
        execute(data_dir, "clinic", "INSERT INTO clinic_info VALUES ('note', :v)", {"v": NOTE})
    else:  # not through an engine: opening one switches the file to WAL, a write
        con = sqlite3.connect(data_dir / CLINIC_DB)
        with con:
            con.execute("INSERT INTO clinic_info VALUES ('note', ?)", (NOTE,))
        con.close()
    before = _clinic_fingerprint(data_dir, database)
    stores = open_stores(backend_of(data_dir))
    try:
        knowledge.build(stores)
        export = tmp_path / "kb.json"
        knowledge.export_json(stores, export)
        knowledge.import_file(stores, export)
    finally:
        stores.close()
    after = _clinic_fingerprint(data_dir, database)
    assert after == before
    assert ("note", NOTE) in after[1]


def test_shipped_content_change_is_picked_up_at_next_start(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "db" / "knowledge", content)
    monkeypatch.setattr(knowledge, "knowledge_content_dir", lambda: content)
    open_stores(backend_of(data_dir)).close()
    meta = content / "meta.toml"
    meta.write_text(meta.read_text().replace('title = "', 'title = "Updated: '), encoding="utf-8")
    stores = open_stores(backend_of(data_dir))
    try:
        with stores.knowledge_session() as session:
            assert stores.repository(session).info().title.startswith("Updated: ")
    finally:
        stores.close()


def test_imported_knowledge_base_is_not_overwritten_by_shipped_content(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    stores = open_stores(backend_of(data_dir))
    export = tmp_path / "kb.json"
    knowledge.export_json(stores, export)
    export.write_text(export.read_text().replace('"title": "', '"title": "Clinic edition: ', 1))
    knowledge.import_file(stores, export)
    stores.close()
    content = tmp_path / "content"
    shutil.copytree(REPO / "db" / "knowledge", content)
    (content / "faq.toml").write_text((content / "faq.toml").read_text() + "\n# changed\n")
    monkeypatch.setattr(knowledge, "knowledge_content_dir", lambda: content)
    stores = open_stores(backend_of(data_dir))
    try:
        with stores.knowledge_session() as session:
            info = stores.repository(session).info()
        assert info.title.startswith("Clinic edition: ")
        assert info.content_origin == "imported from kb.json"
    finally:
        stores.close()


@pytest.mark.sqlite_only  # about the file
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(os.urandom(4096)), "not a SQLite database"),
        (lambda p: p.write_bytes(p.read_bytes()[:3000]), "damaged"),
        (lambda p: p.write_bytes(b"\0" * 100 + p.read_bytes()[100:]), "not a SQLite database"),
    ],
)
def test_damaged_knowledge_base_is_reported_and_left_in_place(
    data_dir: Path, damage, message: str
) -> None:
    path = data_dir / KNOWLEDGE_DB
    for leftover in (data_dir / f"{KNOWLEDGE_DB}-wal", data_dir / f"{KNOWLEDGE_DB}-shm"):
        leftover.unlink(missing_ok=True)
    damage(path)
    damaged = path.read_bytes()
    with pytest.raises(DatabaseProblem, match=message) as caught:
        open_stores(backend_of(data_dir))
    assert str(path) in str(caught.value)
    assert path.read_bytes() == damaged


@pytest.mark.sqlite_only  # about the folder (the same on both: one run is enough)
@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root ignores directory permissions"
)
def test_unwritable_data_folder_gives_a_clear_message(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(UserFacingError, match="Cannot create the data folder"):
            open_stores(backend_of(parent / "data"))
    finally:
        parent.chmod(0o700)


@pytest.mark.sqlite_only  # about the folder (the same on both: one run is enough)
def test_data_folder_that_is_a_file_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(UserFacingError, match="Cannot create the data folder"):
        open_stores(backend_of(blocker))


@pytest.mark.parametrize(("in_use", "replaced"), [("2099.1.0", False), ("2000.1.0", True)])
def test_shipped_content_never_replaces_a_newer_knowledge_base(
    data_dir, in_use: str, replaced: bool
) -> None:
    """Found in review: on a shared server, PCs with different versions replaced each
    other's knowledge base at every start. Older shipped content now leaves it alone."""
    execute(
        data_dir,
        "knowledge",
        "UPDATE kb_document SET kb_version = :v, content_fingerprint = 'other content'",
        {"v": in_use},
    )
    open_stores(backend_of(data_dir)).close()
    ((version, fingerprint),) = rows(
        data_dir, "knowledge", "SELECT kb_version, content_fingerprint FROM kb_document"
    )
    assert (fingerprint != "other content") == replaced
    assert (version != in_use) == replaced
