"""Schema migrations: every clinic revision upgrades to head with its data intact; the
knowledge base (one stored document, no Alembic chain) is created once and refuses a newer
version. Its conversion from the retired layout: tests/store/test_legacy_knowledge.py.

The tests that take the ``empty_database`` or ``database`` fixture run on a SQLite file and
on a PostgreSQL server; tests/store/test_migrations_postgres.py holds the server's matrix of
revisions (from every revision to head, the schema against the models). The clinic file's
safety copy before an upgrade is SQLite only (a server is backed up by its administrator)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from explorer.store import kb_tables
from explorer.store.backend import migrate
from explorer.store.backend.sqlite import sqlite_engine
from explorer.store.clinic_models import ClinicBase
from tests.engines import backend_of, engine_of


@pytest.mark.parametrize(
    ("kind", "metadata"), [("knowledge", kb_tables.metadata), ("clinic", ClinicBase.metadata)]
)
def test_migrations_at_head_match_the_models(tmp_path: Path, kind, metadata) -> None:
    engine = sqlite_engine(tmp_path / f"{kind}.sqlite")
    migrate.upgrade(engine, kind)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert diff == []


def test_heads_constant_matches_the_revision_files() -> None:
    assert migrate.known_revisions("clinic")[-1] == migrate.HEADS["clinic"]  # also heads.py


def test_the_knowledge_version_is_the_document_format_and_the_layout() -> None:
    from explorer.kb.schema import KnowledgeDocument
    from explorer.kb.version import FORMAT_VERSION

    assert KnowledgeDocument.model_fields["format_version"].default == FORMAT_VERSION
    assert migrate.HEADS["knowledge"] == f"kb{FORMAT_VERSION}.1"
    assert migrate.known_revisions("knowledge")[-1] == migrate.HEADS["knowledge"]


def test_database_from_a_newer_application_is_refused(tmp_path: Path, empty_database) -> None:
    engine = engine_of(tmp_path, "knowledge")
    try:
        migrate.upgrade(engine, "knowledge")
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'kb9.1'")
        with pytest.raises(migrate.SchemaTooNew, match="Update this PC"):
            migrate.upgrade(engine, "knowledge")
        assert migrate.current_revision(engine) == "kb9.1"  # nothing was written
    finally:
        engine.dispose()


def test_upgrade_at_head_is_a_no_op(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "k.sqlite")
    assert migrate.upgrade(engine, "knowledge") is True
    assert migrate.upgrade(engine, "knowledge") is False
    engine.dispose()


_ROWS_BY_REVISION = {
    "c0001": [
        "INSERT INTO clinic_info (key, value) VALUES ('created_at', '2026-01-05T09:00:00+00:00')",
        "INSERT INTO clinic_info (key, value) VALUES ('installation', 'front desk PC')",
    ],
    "c0002": [
        "INSERT INTO consult (id, created_at, updated_at, consult_date, patient_label, "
        "clinician, condition_slug, treatment_slugs, priorities, priorities_note, notes_html, "
        "plan, review_date, decision, chosen_treatment, follow_up_of, deleted_at, version) "
        "VALUES (1, '2026-02-01 09:00:00', '2026-02-01 09:30:00', '2026-02-01', 'J. S.', "
        "'Dr Rivera', 'sciatica', '[\"tens\"]', '[\"quick-relief\"]', '', '<p>notes</p>', "
        "'plan', '2026-03-15', 'undecided', NULL, NULL, NULL, 3)",
        "INSERT INTO consult (id, created_at, updated_at, consult_date, patient_label, "
        "clinician, condition_slug, treatment_slugs, priorities, priorities_note, notes_html, "
        "plan, review_date, decision, chosen_treatment, follow_up_of, deleted_at, version) "
        "VALUES (2, '2026-03-15 09:00:00', '2026-03-15 09:00:00', '2026-03-15', 'J. S.', "
        "'Dr Rivera', 'sciatica', '[]', '[]', '', '', '', NULL, 'chosen', 'tens', 1, NULL, 1)",
    ],
    "c0003": [
        "INSERT INTO clinician_access (id, pin_hash, set_at, failed_attempts) "
        "VALUES (1, 'scrypt$hash', '2026-01-05 09:00:00', 0)",
        "INSERT INTO audit_event (at, action, clinician, workstation, consult_id, detail) "
        "VALUES ('2026-02-01 09:00:00', 'consult started', 'Dr Rivera', 'pc', 1, '')",
    ],
}
_TABLES = {"c0001": "clinic_info", "c0002": "consult", "c0003": "audit_event"}


@pytest.mark.parametrize("start", migrate.known_revisions("clinic"))
def test_every_clinic_revision_upgrades_to_head_with_its_data_intact(
    tmp_path: Path, start: str
) -> None:
    """A clinic database written at any revision, with rows in every table it had then."""
    from explorer.services.backup import list_backups
    from explorer.services.clinic_db import open_clinic_db

    path = tmp_path / "clinic.sqlite"
    engine = sqlite_engine(path)
    migrate.upgrade(engine, "clinic", start)
    engine.dispose()
    revisions = migrate.known_revisions("clinic")
    statements = [s for r in revisions[: revisions.index(start) + 1] for s in _ROWS_BY_REVISION[r]]
    con = sqlite3.connect(path)
    with con:
        for statement in statements:
            con.execute(statement)
    tables = {
        t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
        for t in (_TABLES[r] for r in revisions[: revisions.index(start) + 1])
    }
    con.close()

    open_clinic_db(backend_of(tmp_path)).dispose()  # the application's way: backup, then upgrade
    engine = sqlite_engine(path)
    assert migrate.current_revision(engine) == migrate.HEADS["clinic"]
    engine.dispose()
    con = sqlite3.connect(path)
    for table, rows in tables.items():
        assert con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() == rows, table
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()
    backups = list_backups(tmp_path / "backups")
    if start == migrate.HEADS["clinic"]:
        assert backups == []  # nothing to upgrade, nothing copied
    else:
        assert [b.reason for b in backups] == [f"before-upgrade-{migrate.HEADS['clinic']}"]
        con = sqlite3.connect(backups[0].path)  # the safety copy is the database as it was
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (start,)
        con.close()
