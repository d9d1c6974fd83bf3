"""``explorer db copy``: a populated single-PC data folder goes onto PostgreSQL and back with
identical knowledge-base exports, consults, audit log and PIN; a non-empty target is refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.errors import UserFacingError
from explorer.services.audit import AuditAction, AuditLog, events_csv
from explorer.services.consults import ConsultService
from explorer.services.db_copy import copy_database
from explorer.services.knowledge import document_json, export_document_of
from explorer.services.pin_service import AccessService
from explorer.services.stores import open_stores
from explorer.store.backend.postgres import parse_server_url
from tests.conftest import TEST_PIN
from tests.engines import backend_for


def _populate(folder: Path) -> None:
    stores = open_stores(backend_for(folder))
    try:
        service = ConsultService(stores.clinic, clinician="Dr Rivera")
        first = service.start(condition="sciatica", treatments=["tens"], patient_label="J. S.")
        service.save(replace(first, notes_html="<p>notes ✓ 'quoted' 100%</p>", plan="walk"))
        follow = service.duplicate_as_follow_up(first.id)
        gone = service.start(condition=None, treatments=[], patient_label="deleted one")
        service.delete(gone.id)
        service.open(follow.id)
    finally:
        stores.close()


def _snapshot(folder: Path, server) -> tuple[str, list, str, bool]:
    stores = open_stores(backend_for(folder, server), refresh_shipped=False)
    try:
        kb = document_json(export_document_of(stores))
        consults = ConsultService(stores.clinic).search(include_deleted=True)
        events = AuditLog(stores.clinic).events()
        copies = [e for e in events if e.action == AuditAction.DATABASE_COPIED.value]
        audit = events_csv([e for e in events if e not in copies])  # (copies: checked below)
        pin = AccessService(stores.clinic).has_pin()
        return kb, consults, audit, pin
    finally:
        stores.close()


@pytest.mark.slow
def test_round_trip_sqlite_to_postgres_and_back_is_identical(
    data_dir: Path, new_postgres_database: str, tmp_path: Path, capsys
) -> None:
    _populate(data_dir)
    before = _snapshot(data_dir, None)
    assert len(before[1]) == 3 and before[3]

    assert main(["db", "copy", "--from", str(data_dir), "--to", new_postgres_database]) == 0
    out = capsys.readouterr().out
    assert "counts verified" in out and "consult: 3" in out

    server = parse_server_url(new_postgres_database)
    assert _snapshot(tmp_path / "scratch", server) == before

    back = tmp_path / "back"
    report = copy_database(new_postgres_database, f"sqlite:///{back}")
    assert report.rows["clinic"]["consult"] == 3
    assert _snapshot(back, None) == before
    stores = open_stores(backend_for(back), refresh_shipped=False)
    try:  # each copy is in the copied audit log: where from, by whom, on which PC
        copies = [e for e in AuditLog(stores.clinic).events() if e.action == "database copied"]
    finally:
        stores.close()
    details = sorted(e.detail for e in copies)
    assert details[0].startswith("from PostgreSQL database ")
    assert details[1] == f"from the data folder {data_dir}"
    assert all(e.clinician.startswith("OS user") and e.workstation for e in copies)

    # The server's id sequences continue after the copied rows; the PIN still opens it.
    stores = open_stores(backend_for(tmp_path / "scratch", server))
    try:
        fresh = ConsultService(stores.clinic).start(condition=None, treatments=[])
        assert fresh.id == max(c.id for c in before[1]) + 1
        assert AccessService(stores.clinic).check(TEST_PIN, clinician="x").ok
    finally:
        stores.close()


def test_a_non_empty_target_is_refused_and_left_as_it_was(
    data_dir: Path, new_postgres_database: str, tmp_path: Path, capsys
) -> None:
    copy_database(str(data_dir), new_postgres_database)
    with pytest.raises(UserFacingError, match=r"is not empty.*Nothing was copied"):
        copy_database(str(data_dir), new_postgres_database)
    assert main(["db", "copy", "--from", new_postgres_database, "--to", str(data_dir)]) == 3
    assert "not empty" in capsys.readouterr().err


def test_db_info_names_the_database_in_use(data_dir: Path, capsys, monkeypatch) -> None:
    assert main(["db", "info"]) == 0
    assert f"SQLite files in {data_dir}" in capsys.readouterr().out


@pytest.mark.slow
def test_a_value_the_server_refuses_rolls_back_and_names_no_patient_data(
    data_dir: Path, new_postgres_database: str
) -> None:
    """Found in review: a value PostgreSQL refuses ended in a traceback printing the notes.
    Now: one message naming the table and rows only, and nothing copied. (SQLite does not
    enforce VARCHAR lengths; an old file can hold a longer clinician name.)"""
    import sqlite3

    stores = open_stores(backend_for(data_dir))
    consult = ConsultService(stores.clinic).start(condition=None, treatments=[], patient_label="Z")
    stores.close()
    con = sqlite3.connect(data_dir / "clinic.sqlite")
    with con:
        con.execute(
            "UPDATE consult SET clinician = ?, notes_html = 'secret note' WHERE id = ?",
            ("Dr " + "x" * 200, consult.id),
        )
    con.close()
    with pytest.raises(UserFacingError) as caught:
        copy_database(str(data_dir), new_postgres_database)
    message = str(caught.value)
    assert "rolled back" in message and "consult" in message and "secret" not in message
    assert "xxxx" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.slow
def test_nul_characters_an_old_folder_holds_are_removed_on_the_way_to_the_server(
    data_dir: Path, new_postgres_database: str, capsys
) -> None:
    """Found in review: PostgreSQL cannot store U+0000, which older versions let into a
    note; nobody could remove it (and never from the append-only audit log). The copy
    removes it and says where (table, row, column), never the text."""
    import sqlite3

    stores = open_stores(backend_for(data_dir))
    consult = ConsultService(stores.clinic).start(condition=None, treatments=[], patient_label="Z")
    stores.close()
    con = sqlite3.connect(data_dir / "clinic.sqlite")
    with con:
        con.execute("UPDATE consult SET plan = ? WHERE id = ?", ("take\x00 two", consult.id))
    con.close()
    assert main(["db", "copy", "--from", str(data_dir), "--to", new_postgres_database]) == 0
    out = capsys.readouterr().out
    assert "1 text value(s) held NUL characters" in out and f"consult {consult.id} plan" in out
    assert "take" not in out
    stores = open_stores(backend_for(data_dir, parse_server_url(new_postgres_database)))
    try:
        copied = ConsultService(stores.clinic).get(consult.id)
        assert copied is not None and copied.plan == "take two"
    finally:
        stores.close()
