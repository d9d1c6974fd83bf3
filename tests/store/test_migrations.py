"""Schema migrations: every revision upgrades to head with its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from explorer.store import migrate
from explorer.store.clinic_models import ClinicBase
from explorer.store.engine import sqlite_engine
from explorer.store.models import KnowledgeBase


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
        assert migrate.known_revisions(kind)[-1] == migrate.HEADS[kind]


def test_first_revision_database_upgrades_to_head_with_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.sqlite"
    engine = sqlite_engine(path)
    first = migrate.known_revisions("knowledge")[0]
    migrate.upgrade(engine, "knowledge", first)
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "INSERT INTO kb_meta VALUES (1, '2025.1.0', 'Old KB', '2025-01-01', 'x', "
            "'policy', 'funding', 'coi', 'Disclaimer text', 'shipped', 'abc', "
            "'2025-01-01 00:00:00')"
        )
        con.execute(
            "INSERT INTO condition VALUES (1, 'sciatica', 0, 'Sciatica', 'Leg pain', 'd', 'pd')"
        )
        con.execute(
            "INSERT INTO source VALUES (1, 'trial', 0, 'RCT', 1, 'A trial.', 2020, "
            "'123', NULL, NULL, NULL)"
        )
        con.execute(
            "INSERT INTO treatment (id, slug, position, name, category, approach, "
            "invasiveness, mechanism, plain_mechanism, plain_summary, delivered_by, "
            "patient_commitment, course, duration_of_effect, last_reviewed) VALUES "
            "(1, 'tens', 0, 'TENS', 'Devices', 'passive', 'non-invasive', 'm', 'pm', "
            "'ps', 'PT', 'pc', 'c', 'd', '2025-01-01')"
        )
        con.execute(
            "INSERT INTO finding (id, treatment_id, condition_id, position, outcome, "
            "comparison, certainty, certainty_rank, direction, effect, plain_effect, "
            "timepoint) VALUES (1, 1, 1, 0, 'pain', 'sham', 'low', 2, 'uncertain', "
            "'e', 'pe', '2 wk')"
        )
        con.execute("INSERT INTO finding_source VALUES (1, 1, 0)")
        con.execute(
            "INSERT INTO statistic (id, key, position, label, value, unit, denominator, "
            "population, timeframe, source_id) VALUES (1, 's', 0, 'Label', 26.4, '%', "
            "'adults', 'US', '3 months', 1)"
        )
    con.close()

    engine = sqlite_engine(path)
    assert migrate.upgrade(engine, "knowledge") is True
    assert migrate.current_revision(engine) == migrate.HEADS["knowledge"]
    engine.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT slug, name, synonyms FROM treatment").fetchall() == [
        ("tens", "TENS", "[]")
    ]
    assert con.execute("SELECT effect, certainty FROM finding").fetchall() == [("e", "low")]
    assert con.execute("SELECT value, seed_claim, verdict FROM statistic").fetchall() == [
        (26.4, None, None)
    ]
    assert con.execute("SELECT peer_reviewed, industry_link FROM source").fetchall() == [(1, 0)]
    assert con.execute("SELECT title, authorship FROM kb_meta").fetchall() == [("Old KB", "")]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()


def test_database_from_a_newer_application_is_refused(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "knowledge.sqlite")
    migrate.upgrade(engine, "knowledge")
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(migrate.SchemaTooNew, match="Update the application"):
        migrate.upgrade(engine, "knowledge")
    engine.dispose()


def test_upgrade_at_head_is_a_no_op(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "k.sqlite")
    assert migrate.upgrade(engine, "knowledge") is True
    assert migrate.upgrade(engine, "knowledge") is False
    engine.dispose()
