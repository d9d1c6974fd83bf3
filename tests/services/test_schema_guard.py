"""A window left open while a newer version of the application upgrades the database (on
another PC sharing the server, or another window here) stops writing, says "update this
PC", and writes nothing; a write that meets an upgrade in progress waits for it.
Also: a write given a long wait (a start waiting for another PC's knowledge-base import)
waits that long on a server too, not only the server's default lock timeout."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from explorer.errors import UserFacingError
from explorer.services.audit import AuditAction, AuditLog
from explorer.services.consults import ConsultService
from explorer.services.pin_service import AccessService
from explorer.services.stores import open_stores
from explorer.store.backend import advisory_lock, writer
from explorer.store.backend.guard import SchemaChanged, upgrade_lock_name
from explorer.store.clinic_models import ClinicianAccessRow
from explorer.store.heads import HEADS
from tests.conftest import TEST_PIN
from tests.engines import backend_of

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL

NEWER = "c9999"  # a clinic revision from a future version of the application


def _set_revision(engine, revision: str) -> None:
    """What a newer application's upgrade leaves behind (as another PC or process)."""
    with engine.connect() as connection, connection.begin():
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


@pytest.fixture
def opened(data_dir):
    stores = open_stores(backend_of(data_dir))
    yield stores
    stores.close()


def test_after_a_newer_upgrade_nothing_is_written_and_the_message_says_update(opened) -> None:
    service = ConsultService(opened.clinic, clinician="Dr Older")
    consult = service.start(condition="sciatica", treatments=["tens"])
    saved = service.save(replace(consult, notes_html="<p>Before the upgrade.</p>"))

    _set_revision(opened.clinic, NEWER)  # another PC upgrades while this window stays open

    with pytest.raises(SchemaChanged) as refused:
        service.save(replace(saved, notes_html="<p>After the upgrade.</p>"))
    message = str(refused.value)
    assert "update this PC" in message and NEWER in message and "Nothing was written" in message
    assert isinstance(refused.value, UserFacingError)  # shown as a message, never a traceback
    with pytest.raises(SchemaChanged):
        service.start(condition="sciatica", treatments=["tens"])
    with pytest.raises(SchemaChanged):
        AuditLog(opened.clinic).record(AuditAction.CLINICIAN_LOCKED, "Dr Older")
    assert not AccessService(opened.clinic).check("0000").ok  # read-only: nothing written

    _set_revision(opened.clinic, HEADS["clinic"])  # (only to read what is stored)
    stored = service.get(saved.id)
    assert stored is not None and stored.notes_html == "<p>Before the upgrade.</p>"
    assert stored.version == saved.version
    assert len(service.search("")) == 1  # the refused start left no consult behind
    with Session(opened.clinic) as session:  # the wrong PIN was not written either
        assert session.get(ClinicianAccessRow, 1).failed_attempts == 0
    # and writing works again at this version's revision: the refusal left nothing half-open
    again = service.save(replace(stored, notes_html="<p>Back at our revision.</p>"))
    assert again.version == saved.version + 1


def test_reading_still_works_after_a_newer_upgrade(opened) -> None:
    service = ConsultService(opened.clinic, clinician="Dr Older")
    consult = service.start(condition="sciatica", treatments=["tens"])
    _set_revision(opened.clinic, NEWER)
    assert service.get(consult.id) is not None  # the clinician can still read and copy


@pytest.mark.postgres_only
def test_a_write_during_an_upgrade_waits_for_it_then_refuses(opened) -> None:
    """The upgrade holds the advisory lock exclusively; a write takes it shared, so it waits
    for the upgrade's commit and then sees the new revision: never a write into a schema
    half way through an upgrade, never one after it."""
    service = ConsultService(opened.clinic, clinician="Dr Older")
    consult = service.start(condition="sciatica", treatments=["tens"])
    outcome: list[BaseException | str] = []

    def save() -> None:
        try:
            service.save(replace(consult, notes_html="<p>Typed during the upgrade.</p>"))
            outcome.append("saved")
        except BaseException as exc:  # noqa: BLE001 - the thread reports what happened
            outcome.append(exc)

    with opened.clinic.connect() as upgrading, upgrading.begin():
        advisory_lock(upgrading, upgrade_lock_name("clinic"))
        upgrading.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": NEWER})
        saver = threading.Thread(target=save)
        saver.start()
        time.sleep(0.5)
        assert saver.is_alive() and not outcome  # waiting for the upgrade, not writing
    saver.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], SchemaChanged), outcome
    _set_revision(opened.clinic, HEADS["clinic"])
    stored = service.get(consult.id)
    assert stored is not None and stored.notes_html == consult.notes_html


@pytest.mark.postgres_only
def test_a_write_waits_as_long_as_it_was_told_on_a_server_too(data_dir) -> None:
    """A start waits up to a minute for another PC's knowledge-base import; on PostgreSQL
    the server's lock timeout (5 s) used to cut that wait short with "in use"."""
    stores = open_stores(backend_of(data_dir))
    try:
        other_pc = stores.knowledge.connect()
        transaction = other_pc.begin()
        advisory_lock(other_pc, "replace knowledge base")  # another PC importing a large KB
        threading.Timer(1.0, transaction.commit).start()

        refused = pytest.raises(UserFacingError, match="in use by another PC")
        with refused, Session(writer(stores.knowledge, wait_ms=300)) as session, session.begin():
            advisory_lock(session.connection(), "replace knowledge base")

        started = time.monotonic()
        with Session(writer(stores.knowledge, wait_ms=10_000)) as session, session.begin():
            advisory_lock(session.connection(), "replace knowledge base")
        assert 0.3 < time.monotonic() - started < 9  # waited for the import, then went on
        other_pc.close()
    finally:
        stores.close()


def _raise_on_consult_writes(engine, sqlstate: str) -> None:
    """What the server answers to every consult write (the failure it reports)."""
    with engine.connect() as connection, connection.begin():
        connection.execute(
            text(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION 'refused by the test' USING ERRCODE = '{sqlstate}'; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON consult "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        )


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("sqlstate", "words"),
    [
        ("53100", "disk is full"),  # disk_full
        ("42501", "no permission"),  # insufficient_privilege
        ("40P01", "in use by another PC"),  # deadlock_detected
        ("40001", "in use by another PC"),  # serialization_failure
    ],
)
def test_server_refusals_read_as_what_to_do_and_keep_the_saved_text(
    opened, sqlstate: str, words: str
) -> None:
    service = ConsultService(opened.clinic, clinician="Dr Rivera")
    consult = service.start(condition="sciatica", treatments=["tens"])
    saved = service.save(replace(consult, notes_html="<p>Saved before.</p>"))
    _raise_on_consult_writes(opened.clinic, sqlstate)
    with pytest.raises(UserFacingError) as refused:
        service.save(replace(saved, notes_html="<p>Typed after.</p>"))
    message = str(refused.value)
    assert words in message and "PostgreSQL database" in message
    assert "refused by the test" not in message and "Traceback" not in message
    stored = service.get(saved.id)
    assert stored is not None and stored.notes_html == "<p>Saved before.</p>"


@pytest.mark.postgres_only
def test_a_read_only_server_says_so(opened) -> None:
    service = ConsultService(opened.clinic, clinician="Dr Rivera")
    consult = service.start(condition="sciatica", treatments=["tens"])
    with opened.clinic.connect() as connection:
        name = connection.execute(text("SELECT current_database()")).scalar()
        connection.execute(text(f"ALTER DATABASE {name} SET default_transaction_read_only = on"))
        connection.commit()
    opened.clinic.dispose()  # new sessions get the setting (a standby, maintenance)
    with pytest.raises(UserFacingError, match="accepts no changes now"):
        service.save(replace(consult, notes_html="<p>Typed.</p>"))


@pytest.mark.postgres_only
def test_reading_a_schema_a_newer_version_changed_says_update_this_pc(opened) -> None:
    service = ConsultService(opened.clinic, clinician="Dr Rivera")
    service.start(condition="sciatica", treatments=["tens"])
    with opened.clinic.connect() as connection, connection.begin():
        connection.execute(text("ALTER TABLE consult RENAME COLUMN notes_html TO notes_v2"))
    with pytest.raises(UserFacingError, match="Update this PC"):
        service.search("")


def test_the_pin_is_checked_read_only_when_the_database_refuses_writes(opened) -> None:
    """The clinician can still unlock to read and keep what is on screen; a wrong PIN waits
    at once (counted in this process, since the database cannot count them: no free
    attempts, or each restart would buy three more)."""
    import datetime as dt

    now = [dt.datetime(2026, 11, 26, 12, 0, 0)]
    access = AccessService(opened.clinic, now=lambda: now[0])
    _set_revision(opened.clinic, NEWER)
    assert access.check(TEST_PIN).ok
    refused = access.check("0000")  # no free attempts read-only: a restart would reset them
    assert not refused.ok and refused.wait_seconds == 10
    waiting = access.check(TEST_PIN)
    assert not waiting.ok and "try again in" in waiting.message  # even the right one waits
    now[0] += dt.timedelta(seconds=waiting.wait_seconds)
    assert access.check(TEST_PIN).ok


def test_a_restart_does_not_reset_the_read_only_wrong_pin_wait(opened, tmp_path) -> None:
    """Found in review: the read-only count lived in the process, so each restart allowed
    another guess at once. It is kept in a small file in this PC's data folder."""
    import datetime as dt

    now = [dt.datetime(2026, 11, 26, 12, 0, 0)]
    attempts = tmp_path / "pin-attempts.json"
    _set_revision(opened.clinic, NEWER)
    waits: list[int] = []
    for _ in range(4):  # a restart before every guess, each once the last wait is over
        now[0] += dt.timedelta(seconds=waits[-1] if waits else 0)
        access = AccessService(opened.clinic, now=lambda: now[0], attempts_file=attempts)
        result = access.check("0000")
        assert not result.ok and "not right" in result.message
        waits.append(result.wait_seconds)
    assert waits == [10, 20, 40, 80]  # the wait grows across restarts
    blocked = AccessService(opened.clinic, now=lambda: now[0], attempts_file=attempts)
    assert not blocked.check(TEST_PIN).ok  # still waiting, after a restart
    now[0] += dt.timedelta(seconds=160)
    assert (
        AccessService(opened.clinic, now=lambda: now[0], attempts_file=attempts).check(TEST_PIN).ok
    )
    assert not attempts.exists()  # the right PIN clears the count
