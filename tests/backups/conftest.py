"""Data folders with consults in them, and ways to read them back exactly."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from explorer.services.clinic_db import open_clinic_store
from explorer.services.consults import ConsultService


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
    store = open_clinic_store(data_dir)
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
