"""The clinician PIN (hash only, back-off that survives a restart), the append-only audit
log written exactly once per action, and clinic files private to the user."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from explorer.services.audit import AuditAction, AuditLog, events_csv
from explorer.services.consults import ConsultService
from explorer.services.pin_service import AccessService
from explorer.services.stores import open_stores
from explorer.store.sqlite_files import PRIVATE_FILE_MODE
from tests.engines import backend_of

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL

PIN = "zebra-7431"


@pytest.fixture
def clinic(data_dir):
    stores = open_stores(backend_of(data_dir))
    yield stores
    stores.close()


def _actions(engine) -> Counter[str]:
    return Counter(e.action for e in AuditLog(engine).events())


@pytest.mark.sqlite_only  # about the file
def test_only_a_salted_hash_reaches_the_disk(data_dir) -> None:
    stores = open_stores(backend_of(data_dir))
    AccessService(stores.clinic).set_pin(PIN, PIN)
    stores.close()
    files = [p for p in data_dir.iterdir() if p.name.startswith("clinic.sqlite")]
    assert files
    for path in files:
        assert PIN.encode() not in path.read_bytes(), path
    with sqlite3.connect(data_dir / "clinic.sqlite") as con:
        (stored,) = con.execute("SELECT pin_hash FROM clinician_access").fetchone()
    assert stored.startswith("scrypt$") and PIN not in stored


@pytest.mark.postgres_only  # the server's counterpart of the test above
def test_only_a_salted_hash_reaches_the_server(data_dir) -> None:
    """No table of the clinic schema holds the PIN, in any column; the hash is salted (two
    settings of the same PIN store different hashes)."""
    from explorer.store.clinic_models import ClinicBase
    from tests.engines import rows

    stores = open_stores(backend_of(data_dir))
    access = AccessService(stores.clinic)
    hashes = []
    for _ in range(2):
        access.set_pin(PIN, PIN, clinician="Dr Rivera")
        hashes += rows(data_dir, "clinic", "SELECT pin_hash FROM clinician_access")
    stores.close()
    assert len(hashes) == 2 and hashes[0] != hashes[1]
    assert all(h.startswith("scrypt$") and PIN not in h for (h,) in hashes)
    for table in ClinicBase.metadata.tables:
        text_of_rows = repr(rows(data_dir, "clinic", f"SELECT * FROM {table}"))
        assert PIN not in text_of_rows, table


def test_right_pin_passes_wrong_pins_wait_and_the_wait_survives_a_restart(clinic) -> None:
    clock = [dt.datetime(2026, 11, 26, 9, 0, 0)]
    access = AccessService(clinic.clinic, now=lambda: clock[0])
    access.set_pin(PIN, PIN)
    assert access.check(PIN).ok
    results = [access.check("wrong") for _ in range(3)]
    assert [r.wait_seconds for r in results] == [0, 0, 10]
    assert all(not r.ok for r in results)
    assert "try again in 10 seconds" in results[-1].message
    during = access.check(PIN)  # even the right PIN waits; the attempt does not count
    assert not during.ok and during.wait_seconds == 10
    clock[0] += dt.timedelta(seconds=11)
    assert access.check("wrong").wait_seconds == 20  # the wait doubles
    # A new service (the application restarted) still makes the right PIN wait.
    restarted = AccessService(clinic.clinic, now=lambda: clock[0])
    blocked = restarted.check(PIN)
    assert not blocked.ok and blocked.wait_seconds == 20
    clock[0] += dt.timedelta(seconds=21)
    assert restarted.check(PIN).ok
    assert restarted.check("wrong").wait_seconds == 0  # the count starts again


def test_a_wrong_pin_is_audited_once_per_attempt(clinic) -> None:
    access = AccessService(clinic.clinic)
    access.set_pin(PIN, PIN, clinician="Dr Rivera")
    before = _actions(clinic.clinic)
    access.check("nope", clinician="Dr Rivera", purpose="unlock")
    access.check("nope", clinician="Dr Rivera", purpose="unlock")
    access.check(PIN, clinician="Dr Rivera", purpose="unlock")
    after = _actions(clinic.clinic)
    assert after[AuditAction.WRONG_PIN.value] - before[AuditAction.WRONG_PIN.value] == 2


def test_reset_removes_the_pin_and_is_audited(clinic) -> None:
    access = AccessService(clinic.clinic)
    access.set_pin(PIN, PIN)
    assert access.reset(clinician="it", detail="forgotten")
    assert not access.has_pin()
    assert not access.check(PIN).ok
    assert _actions(clinic.clinic)[AuditAction.PIN_RESET.value] == 1
    assert not access.reset()


def test_consult_actions_are_audited_exactly_once_each(clinic) -> None:
    service = ConsultService(clinic.clinic, clinician="Dr Rivera")
    before = _actions(clinic.clinic)
    consult = service.start(condition="sciatica", treatments=["tens"], patient_label="J. S.")
    for i in range(5):  # autosaves while typing: one edit
        consult = service.save(replace(consult, notes_html=f"<p>{'word ' * i}</p>"))
    consult = service.open(consult.id)  # reopened: a new editing session
    consult = service.save(replace(consult, plan="Review at 6 weeks"))
    service.record_export(consult.id, "clinician PDF")
    service.record_export(consult.id, "print")
    service.delete(consult.id)
    service.delete(consult.id)  # already deleted: nothing happens, nothing audited
    service.undo_delete(consult.id)
    follow_up = service.duplicate_as_follow_up(consult.id)
    after = _actions(clinic.clinic) - before
    assert after == Counter(
        {
            AuditAction.CONSULT_STARTED.value: 2,
            AuditAction.CONSULT_EDITED.value: 2,
            AuditAction.CONSULT_OPENED.value: 1,
            AuditAction.CONSULT_EXPORTED.value: 1,
            AuditAction.CONSULT_PRINTED.value: 1,
            AuditAction.CONSULT_DELETED.value: 1,
            AuditAction.CONSULT_RESTORED.value: 1,
        }
    )
    events = AuditLog(clinic.clinic).events(consult_id=follow_up.id)
    assert [e.action for e in events] == [AuditAction.CONSULT_STARTED.value]
    assert events[0].clinician == "Dr Rivera" and events[0].workstation
    assert f"follow-up of consult {consult.id}" in events[0].detail
    everything = " ".join(str(e) for e in AuditLog(clinic.clinic).events())
    assert "Review at 6 weeks" not in everything and "word" not in everything  # no note text


def test_the_audit_log_is_append_only_in_the_database_itself(clinic) -> None:
    AuditLog(clinic.clinic).record(AuditAction.PATIENT_MODE_ENTERED, "Dr Rivera")
    statements = ["UPDATE audit_event SET clinician = 'someone else'", "DELETE FROM audit_event"]
    if clinic.clinic.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_event")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), clinic.clinic.begin() as con:
            con.execute(text(statement))
    assert _actions(clinic.clinic)[AuditAction.PATIENT_MODE_ENTERED.value] == 1


def test_audit_csv_has_a_header_and_one_line_per_event_oldest_first(clinic) -> None:
    log = AuditLog(clinic.clinic)
    log.record(AuditAction.PATIENT_MODE_ENTERED, "Dr, Rivera")
    log.record(AuditAction.PATIENT_MODE_LEFT, "Dr, Rivera")
    lines = events_csv(log.events()).splitlines()
    assert lines[0].startswith("id,time (UTC),action")
    assert lines[-2].split(",")[2] == "patient mode entered"
    assert '"Dr, Rivera"' in lines[-1]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.sqlite_only  # about the file
def test_clinic_files_are_readable_by_the_current_user_only(tmp_path) -> None:
    old = os.umask(0o022)  # a typical umask would make new files world-readable
    try:
        folder = tmp_path / "new-data"
        stores = open_stores(backend_of(folder))
        ConsultService(stores.clinic).start(condition=None, treatments=[])
        files = [p for p in folder.iterdir() if p.name.startswith(("clinic", "knowledge"))]
        assert {p.name for p in files} >= {"clinic.sqlite", "clinic.sqlite-wal"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == PRIVATE_FILE_MODE, path
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        stores.close()
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.sqlite_only  # about the file
def test_a_world_readable_clinic_file_is_made_private_at_open(data_dir) -> None:
    path = data_dir / "clinic.sqlite"
    path.chmod(0o644)
    open_stores(backend_of(data_dir)).close()
    assert stat.S_IMODE(path.stat().st_mode) == PRIVATE_FILE_MODE
