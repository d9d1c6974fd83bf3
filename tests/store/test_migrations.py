"""Schema migrations: every revision upgrades to head with its data intact.

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
from sqlalchemy import Connection, Engine

from explorer.store import migrate
from explorer.store.clinic_models import ClinicBase
from explorer.store.engine import sqlite_engine
from explorer.store.models import KnowledgeBase
from tests.engines import engine_of, execute


@pytest.mark.parametrize(
    ("kind", "metadata"), [("knowledge", KnowledgeBase.metadata), ("clinic", ClinicBase.metadata)]
)
def test_migrations_at_head_match_the_models(tmp_path: Path, kind, metadata) -> None:
    engine = sqlite_engine(tmp_path / f"{kind}.sqlite")
    migrate.upgrade(engine, kind)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert diff == []


def test_heads_constant_matches_the_revision_files() -> None:
    for kind in ("knowledge", "clinic"):
        assert migrate.known_revisions(kind)[-1] == migrate.HEADS[kind]  # also heads.py


_ROWS_AT_FIRST_REVISION = [
    "INSERT INTO kb_meta (id, kb_version, title, last_reviewed, evidence_current_to, "
    "update_policy, funding, conflicts_of_interest, disclaimer, content_origin, "
    "content_fingerprint, loaded_at) VALUES (1, '2025.1.0', 'Old KB', '2025-01-01', 'x', "
    "'policy', 'funding', 'coi', 'Disclaimer text', 'shipped', 'abc', '2025-01-01 00:00:00')",
    "INSERT INTO condition (id, slug, position, name, plain_name, description, "
    "plain_description) VALUES (1, 'sciatica', 0, 'Sciatica', 'Leg pain', 'd', 'pd')",
    "INSERT INTO source (id, key, position, kind, peer_reviewed, citation, year, pmid) "
    "VALUES (1, 'trial', 0, 'RCT', 1, 'A trial.', 2020, '123')",
    "INSERT INTO treatment (id, slug, position, name, category, approach, invasiveness, "
    "mechanism, plain_mechanism, plain_summary, delivered_by, patient_commitment, course, "
    "duration_of_effect, last_reviewed) VALUES (1, 'tens', 0, 'TENS', 'Devices', 'passive', "
    "'non-invasive', 'm', 'pm', 'ps', 'PT', 'pc', 'c', 'd', '2025-01-01')",
    "INSERT INTO treatment_condition (treatment_id, condition_id, position) VALUES (1, 1, 0)",
    "INSERT INTO harm (id, treatment_id, position, description, plain_description, frequency) "
    "VALUES (1, 1, 0, 'skin irritation', 'sore skin', 'not quantified')",
    "INSERT INTO harm_source (owner_id, source_id, position) VALUES (1, 1, 0)",
    "INSERT INTO finding (id, treatment_id, condition_id, position, outcome, comparison, "
    "certainty, certainty_rank, direction, effect, plain_effect, timepoint) VALUES (1, 1, 1, 0, "
    "'pain', 'sham', 'low', 2, 'uncertain', 'e', 'pe', '2 wk')",
    "INSERT INTO finding_source (owner_id, source_id, position) VALUES (1, 1, 0)",
    "INSERT INTO statistic (id, key, position, label, value, unit, denominator, population, "
    "timeframe, source_id) VALUES (1, 's', 0, 'Label', 26.4, '%', 'adults', 'US', '3 months', 1)",
]


def portable(statement: str, dialect: str) -> str:
    """A sample row's INSERT for ``dialect``: the first revision's rows write booleans as 1/0
    (SQLite); PostgreSQL wants true; psycopg's placeholders start with %, so % is doubled."""
    if dialect != "postgresql":
        return statement
    return statement.replace("'RCT', 1, 'A trial.'", "'RCT', true, 'A trial.'").replace("%", "%%")


def _write(engine: Engine, statements: list[str]) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(portable(statement, engine.dialect.name))


def _select(connection: Connection, sql: str) -> list[tuple]:
    return [tuple(row) for row in connection.exec_driver_sql(sql)]


def check_first_revision_rows_at_head(connection: Connection) -> None:
    """The rows of _ROWS_AT_FIRST_REVISION after an upgrade to head: nothing lost, the newer
    columns at their defaults (JSON read as text, booleans as 0/1: the same on both)."""
    assert _select(connection, "SELECT slug, name, CAST(synonyms AS TEXT) FROM treatment") == [
        ("tens", "TENS", "[]")
    ]
    assert _select(connection, "SELECT effect, certainty FROM finding") == [("e", "low")]
    assert _select(connection, "SELECT description, serious FROM harm") == [("skin irritation", 0)]
    assert _select(
        connection,
        "SELECT value, unit, seed_claim, verdict, read_in_source_id, of_people FROM statistic",
    ) == [(26.4, "%", None, None, None, 1)]
    assert _select(connection, "SELECT peer_reviewed, industry_link FROM source") == [(1, 0)]
    assert _select(connection, "SELECT title, authorship FROM kb_meta") == [("Old KB", "")]
    assert _select(connection, "SELECT count(*) FROM finding_source") == [(1,)]


@pytest.mark.parametrize("start", migrate.known_revisions("knowledge"))
def test_every_revision_upgrades_to_head_with_its_data_intact(tmp_path: Path, start: str) -> None:
    """A database written at any earlier revision (rows of the first revision's tables)."""
    path = tmp_path / "knowledge.sqlite"
    engine = sqlite_engine(path)
    migrate.upgrade(engine, "knowledge", start)
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        for statement in _ROWS_AT_FIRST_REVISION:
            con.execute(statement)
    con.close()

    engine = sqlite_engine(path)
    assert migrate.upgrade(engine, "knowledge") is (start != migrate.HEADS["knowledge"])
    assert migrate.current_revision(engine) == migrate.HEADS["knowledge"]
    with engine.connect() as connection:
        check_first_revision_rows_at_head(connection)
    engine.dispose()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()


def test_upgraded_old_database_then_takes_the_shipped_content(
    tmp_path: Path, empty_database: str
) -> None:
    """After an upgrade from the first revision, the application loads content normally."""
    from explorer.services import knowledge

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    engine = engine_of(data_dir, "knowledge")
    migrate.upgrade(engine, "knowledge", migrate.known_revisions("knowledge")[0])
    _write(engine, _ROWS_AT_FIRST_REVISION)
    engine.dispose()
    stores = knowledge.open_stores(data_dir)
    try:
        assert migrate.current_revision(stores.knowledge) == migrate.HEADS["knowledge"]
        with stores.knowledge_session() as session:
            repo = stores.repository(session)
            assert repo.info().title != "Old KB"  # was shipped content, so it is refreshed
            assert len(repo.treatment_summaries()) >= 14
    finally:
        stores.close()


def test_database_from_a_newer_application_is_refused(tmp_path: Path, empty_database) -> None:
    engine = engine_of(tmp_path, "knowledge")
    try:
        migrate.upgrade(engine, "knowledge")
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        with pytest.raises(migrate.SchemaTooNew, match="Update this PC"):
            migrate.upgrade(engine, "knowledge")
        assert migrate.current_revision(engine) == "9999"  # nothing was written
    finally:
        engine.dispose()


def test_upgrade_at_head_is_a_no_op(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "k.sqlite")
    assert migrate.upgrade(engine, "knowledge") is True
    assert migrate.upgrade(engine, "knowledge") is False
    engine.dispose()


def test_0005_adds_empty_plain_fields_and_keeps_the_data(tmp_path: Path, empty_database) -> None:
    """Upgrade 0004 → 0005 with rows: nothing lost, plain columns empty (never clinician text)."""
    engine = engine_of(tmp_path, "knowledge")
    try:
        migrate.upgrade(engine, "knowledge", "0004")
        _write(
            engine,
            [
                *_ROWS_AT_FIRST_REVISION,
                "UPDATE treatment SET regulatory_note = 'Not FDA-approved.'",
                "INSERT INTO guideline (id, treatment_id, position, body, stance, text) "
                "VALUES (1, 1, 0, 'NICE NG59', 'against', 'Do not offer TENS.')",
                "INSERT INTO pathway_step (id, step, title, plain_title, description, "
                "plain_description, escalation_criteria, treatment_slugs) VALUES "
                "(1, 1, 't', 'pt', 'd', 'pd', '[\"Red flags\"]', '[]')",
            ],
        )
        assert migrate.upgrade(engine, "knowledge", "0005") is True
        assert migrate.current_revision(engine) == "0005"
        with engine.connect() as connection:
            assert _select(
                connection,
                "SELECT delivered_by, plain_delivered_by, course, plain_course, "
                "duration_of_effect, plain_duration_of_effect, regulatory_note, "
                "plain_regulatory_note FROM treatment",
            ) == [("PT", "", "c", "", "d", "", "Not FDA-approved.", None)]
            assert _select(connection, "SELECT frequency, plain_frequency FROM harm") == [
                ("not quantified", "")
            ]
            assert _select(connection, "SELECT text, plain_text FROM guideline") == [
                ("Do not offer TENS.", "")
            ]
            assert _select(connection, "SELECT timepoint, plain_timepoint FROM finding") == [
                ("2 wk", "")
            ]
            assert _select(
                connection,
                "SELECT CAST(escalation_criteria AS TEXT), "
                "CAST(plain_escalation_criteria AS TEXT) FROM pathway_step",
            ) == [('["Red flags"]', "[]")]
            if engine.dialect.name == "sqlite":
                assert _select(connection, "PRAGMA foreign_key_check") == []
    finally:
        engine.dispose()


def test_0006_adds_empty_plain_names_labels_and_questions_and_keeps_the_data(
    tmp_path: Path, empty_database
) -> None:
    """Upgrade 0005 → 0006 with rows: nothing lost, the new plain columns empty."""
    engine = engine_of(tmp_path, "knowledge")
    try:
        migrate.upgrade(engine, "knowledge", "0005")
        _write(
            engine,
            [
                *_ROWS_AT_FIRST_REVISION,
                "INSERT INTO faq (id, position, question, answer, plain_answer) "
                "VALUES (1, 0, 'Is biologic disc repair non-surgical?', 'a', 'pa')",
            ],
        )
        assert migrate.upgrade(engine, "knowledge", "0006") is True
        assert migrate.current_revision(engine) == "0006"
        with engine.connect() as connection:
            assert _select(connection, "SELECT name, plain_name FROM treatment") == [("TENS", "")]
            assert _select(
                connection,
                "SELECT label, plain_label, population, plain_population FROM statistic",
            ) == [("Label", "", "US", "")]
            assert _select(connection, "SELECT question, plain_question FROM faq") == [
                ("Is biologic disc repair non-surgical?", "")
            ]
            if engine.dialect.name == "sqlite":
                assert _select(connection, "PRAGMA foreign_key_check") == []
    finally:
        engine.dispose()


def test_a_knowledge_base_without_plain_wording_is_not_exported_half_empty(
    database, data_dir, stores
) -> None:
    """An imported knowledge base upgraded to 0005 has empty plain columns: export says why."""
    from explorer.errors import UserFacingError
    from explorer.services import knowledge

    assert stores.knowledge.dialect.name == {"sqlite": "sqlite", "postgres": "postgresql"}[database]
    execute(data_dir, "knowledge", "UPDATE treatment SET plain_course = ''")
    with pytest.raises(UserFacingError, match="plain_course"):
        knowledge.export_document_of(stores)


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

    open_clinic_db(tmp_path).dispose()  # the application's way: backup, then upgrade
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


def test_a_knowledge_base_without_plain_names_is_not_exported_half_empty(
    database, data_dir, stores
) -> None:
    """An imported knowledge base upgraded to 0006 has empty plain names: export names them."""
    from explorer.errors import UserFacingError
    from explorer.services import knowledge

    assert stores.knowledge.dialect.name == {"sqlite": "sqlite", "postgres": "postgresql"}[database]
    execute(data_dir, "knowledge", "UPDATE treatment SET plain_name = ''")
    execute(data_dir, "knowledge", "UPDATE faq SET plain_question = ''")
    with pytest.raises(UserFacingError, match=r"25 field\(s\).*plain_question"):
        knowledge.export_document_of(stores)
