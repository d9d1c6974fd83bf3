"""Read-then-write races that SQLite's BEGIN IMMEDIATE rules out but PostgreSQL's READ
COMMITTED does not (found in review): a delete racing a save, two wrong PINs at once, a
catalog read while another PC replaces the knowledge base. Also: a value the server cannot
store (NUL) in a consult kept after a conflict, and no value ever in an error's text."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from explorer.errors import ConsultConflict, UserFacingError
from explorer.logs import LOG_FORMAT, PrivateFormatter
from explorer.services.consults import ConsultNotFound, ConsultService
from explorer.services.explorer_data import KnowledgeService
from explorer.services.knowledge import build
from explorer.services.pin_service import AccessService
from explorer.services.stores import open_stores
from explorer.store.clinic_models import ClinicianAccessRow
from tests.conftest import CONTENT
from tests.engines import backend_of

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL


def _at_first_flush(action: Callable[[], None]) -> tuple[Callable[[], None], list[Exception]]:
    """Run ``action`` on another thread (another PC) when a session first flushes, i.e.
    after this PC read and before it writes; give it half a second to commit (a row lock
    makes it wait for this PC instead). Returns a function to stop and join, and its errors."""
    threads: list[threading.Thread] = []
    errors: list[Exception] = []

    def other_pc() -> None:
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    def hook(_session, _context, _instances) -> None:
        if not threads:
            threads.append(threading.Thread(target=other_pc))
            threads[0].start()
            threads[0].join(0.5)

    event.listen(Session, "before_flush", hook)

    def stop() -> None:
        event.remove(Session, "before_flush", hook)
        for thread in threads:
            thread.join(30)

    return stop, errors


@pytest.fixture
def two_pcs(data_dir: Path):
    pcs = open_stores(backend_of(data_dir)), open_stores(backend_of(data_dir))
    yield pcs
    for pc in pcs:
        pc.close()


def test_a_delete_racing_a_save_never_lets_later_saves_into_the_deleted_consult(two_pcs):
    a = ConsultService(two_pcs[0].clinic, clinician="Dr A")
    b = ConsultService(two_pcs[1].clinic, clinician="Dr B")
    consult = a.start(condition="sciatica", treatments=["tens"])
    on_a = [consult]

    def a_saves() -> None:
        on_a[0] = a.save(replace(on_a[0], notes_html="<p>A typed</p>"))

    stop, _errors = _at_first_flush(a_saves)  # A's save may wait, fail, or land first
    try:
        b.delete(consult.id)  # B reads the row; A's save comes in; B writes
    finally:
        stop()
    stored = a.get(consult.id)
    assert stored is not None and stored.deleted
    with pytest.raises((ConsultConflict, ConsultNotFound)):
        a.save(replace(on_a[0], notes_html="<p>A typed more, into a deleted consult?</p>"))


@pytest.mark.postgres_only  # on SQLite the second check waits for the first's write lock
def test_two_wrong_pins_at_once_are_both_counted(two_pcs) -> None:
    a, b = AccessService(two_pcs[0].clinic), AccessService(two_pcs[1].clinic)
    stop, errors = _at_first_flush(lambda: a.check("0000", clinician="A"))
    try:
        b.check("0000", clinician="B")
    finally:
        stop()
    assert errors == []
    with Session(two_pcs[0].clinic) as session:
        row = session.get(ClinicianAccessRow, 1)
        assert row is not None and row.failed_attempts == 2


@pytest.mark.postgres_only  # SQLite: one transaction is one snapshot already
def test_the_catalog_is_read_from_one_snapshot_while_another_pc_replaces_it(
    two_pcs, tmp_path: Path
) -> None:
    content = tmp_path / "kb"
    shutil.copytree(CONTENT, content)
    meta = content / "meta.toml"
    text = meta.read_text()
    version = text.split('kb_version = "', 1)[1].split('"', 1)[0]
    meta.write_text(text.replace(f'kb_version = "{version}"', 'kb_version = "2099.1.1"'))
    first = content / "treatments" / "01-watchful-waiting.toml"
    first.write_text(
        first.read_text().replace('\nname = "', '\nname = "Renamed on the other PC: ', 1)
    )
    window, other_pc = two_pcs
    service = KnowledgeService.over_stores(window)
    fired: list[threading.Thread] = []

    def after(_conn, _cursor, statement, *_args) -> None:
        if not fired and "FROM kb_document" in statement:
            fired.append(threading.Thread(target=lambda: build(other_pc, content)))
            fired[0].start()
            fired[0].join(60)  # the replace commits in the middle of the window's read

    event.listen(window.knowledge, "after_cursor_execute", after)
    try:
        snapshot = service.snapshot()
    finally:
        event.remove(window.knowledge, "after_cursor_execute", after)
    assert fired, "the catalog read did not query kb_document"
    assert not [t.slug for t in snapshot.treatments if not t.conditions]
    assert snapshot.info.kb_version == version  # all of the version it started with
    assert not [t.name for t in snapshot.treatments if t.name.startswith("Renamed")]
    again = KnowledgeService.over_stores(window).snapshot()
    assert again.info.kb_version == "2099.1.1"
    assert again.treatments[0].name.startswith("Renamed on the other PC: ")


def test_a_nul_in_what_matters_survives_save_as_separate_consult(data_dir: Path) -> None:
    stores = open_stores(backend_of(data_dir))
    try:
        service = ConsultService(stores.clinic, clinician="Dr A")
        consult = service.start(condition="sciatica", treatments=["tens"])
        on_screen = replace(consult, priorities_note="pain\x00 at night", notes_html="<p>x</p>")
        copy = service.save_as_copy(on_screen)
        assert copy.priorities_note == "pain at night"
    finally:
        stores.close()


def test_an_error_text_never_carries_the_values(data_dir: Path) -> None:
    """SQLAlchemy puts the statement's parameters (consult notes) into an error's text,
    and PostgreSQL a DETAIL line with the refused row; the engines leave the parameters
    out, and the log file's formatter the DETAIL lines."""
    from sqlalchemy import insert
    from sqlalchemy.exc import SQLAlchemyError

    from explorer.store.clinic_models import ConsultRow

    stores = open_stores(backend_of(data_dir))
    try:
        service = ConsultService(stores.clinic, clinician="Dr A")
        consult = service.start(condition="sciatica", treatments=["tens"])
        twice = insert(ConsultRow).values(id=consult.id, notes_html="SECRET NOTE about them")
        refused = pytest.raises((SQLAlchemyError, UserFacingError))
        with refused as failed, Session(stores.clinic) as session, session.begin():
            session.execute(twice)  # the same id again: refused by the primary key
        assert "SECRET NOTE" not in "".join(str(failed.value).split("DETAIL:")[:1])
        trace = (failed.type, failed.value, failed.tb)
        logged = logging.LogRecord("t", logging.ERROR, "", 0, "failed", (), trace)
        assert "SECRET NOTE" not in PrivateFormatter(LOG_FORMAT).format(logged)
    finally:
        stores.close()
