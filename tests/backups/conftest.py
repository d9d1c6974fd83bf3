"""Data folders with consults in them, and ways to read them back exactly."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from explorer.services.clinic_db import open_clinic_store
from explorer.services.consults import ConsultService
from tests.engines import backend_of


def consult_rows(path: Path) -> list[tuple[object, ...]]:
    """Every consult, column by column (read-only; works on any copy of the database)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT * FROM consult ORDER BY id").fetchall()
    finally:
        con.close()


def audit_actions(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT action FROM audit_event ORDER BY id")]
    finally:
        con.close()


def add_consults(data_dir: Path) -> None:
    store = open_clinic_store(backend_of(data_dir))
    try:
        service = ConsultService(store.clinic, clinician="Dr Rivera")
        for label, notes in (("J. S.", "<p>Prefers to avoid needles.</p>"), ("A. B.", "")):
            consult = service.start(
                condition="sciatica",
                treatments=["exercise-therapy", "tens"],
                patient_label=label,
                today=dt.date(2026, 11, 20),
            )
            service.save(replace(consult, notes_html=notes, plan="Exercise, review in 6 weeks"))
    finally:
        store.close()


@pytest.fixture
def clinic_with_consults(data_dir: Path) -> Path:
    """``data_dir`` with two consults saved in ``clinic.sqlite``."""
    add_consults(data_dir)
    return data_dir


C0004_HEADER = '''
"""A clinic revision c0004 (test only).

Revision ID: c0004
Revises: c0003
"""

import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def downgrade() -> None:
    pass

'''


def install_c0004(upgrade_body: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped clinic revisions plus a c0004 whose ``upgrade()`` is ``upgrade_body``,
    as the head this version expects."""
    import shutil

    from explorer.store.backend import migrate

    shutil.copytree(migrate.migrations_dir("clinic"), folder / "clinic")
    source = C0004_HEADER + "\ndef upgrade() -> None:\n" + upgrade_body
    (folder / "clinic" / "versions" / "c0004_test.py").write_text(source)
    real = migrate.migrations_dir
    monkeypatch.setattr(
        migrate, "migrations_dir", lambda kind: folder / kind if kind == "clinic" else real(kind)
    )
    monkeypatch.setitem(migrate.HEADS, "clinic", "c0004")
