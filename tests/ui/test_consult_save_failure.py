"""A consult save that fails (the disk or the database is full; another window saved first):
the typed text stays on screen, one message says what happened and what to do, and the next
change saves again. Also two windows on one consult: the stale one is refused, not lost.
On the data folder's SQLite file and on a PostgreSQL server (the ``database`` fixture)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import event

from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
from explorer.ui.clinic.consult_panel import ConsultPanel
from tests.engines import backend_of

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL

BIG = "Prefers to avoid needles. " * 4000  # ~100 KB: needs new database pages

# A server whose disk is full refuses every write with SQLSTATE 53100 (disk_full), the
# message and hint below; a trigger on the consult table makes it do so on demand.
_DISK_FULL = """
CREATE FUNCTION refuse_as_a_full_disk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'could not extend file "base/16384/16390": No space left on device'
        USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
END $$;
CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON consult
    FOR EACH ROW EXECUTE FUNCTION refuse_as_a_full_disk();
ALTER TABLE consult DISABLE TRIGGER disk_full;
"""


class Disk:
    """The clinic database with a switchable full disk. SQLite: a size limit (PRAGMA
    max_page_count) on new connections. PostgreSQL: the trigger above, on or off."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.full = False
        self.postgres = engine.dialect.name == "postgresql"
        if self.postgres:
            with engine.begin() as connection:
                connection.exec_driver_sql(_DISK_FULL)
        else:
            event.listen(engine, "connect", self._on_connect)

    def _on_connect(self, dbapi, _record) -> None:
        if self.full:
            pages = dbapi.execute("PRAGMA page_count").fetchone()[0]
            dbapi.execute(f"PRAGMA max_page_count={pages}")

    def _switch(self, full: bool) -> None:
        self.full = full
        if self.postgres:
            with self.engine.begin() as connection:
                state = "ENABLE" if full else "DISABLE"
                connection.exec_driver_sql(f"ALTER TABLE consult {state} TRIGGER disk_full")
        else:
            self.engine.dispose()  # new connections: the limit applies (or no longer)

    def fill(self) -> None:
        self._switch(True)

    def free(self) -> None:
        self._switch(False)


def _is_a_clear_full_disk_message(text: str, database: str) -> bool:
    """The message names the problem in words, never a traceback or the SQL that failed."""
    clear = "Your text stays on screen" in text and "Traceback" not in text
    clear = clear and not any(sql in text for sql in ("UPDATE ", "INSERT ", "[SQL", "psycopg"))
    if database == "sqlite":
        return clear and "full" in text and "free some disk space" in text
    return clear and "server's disk is full" in text and "clinic's IT" in text


@pytest.fixture
def setup(qtbot, data_dir, database, monkeypatch):
    stores = open_stores(backend_of(data_dir))
    assert stores.clinic.dialect.name == {"sqlite": "sqlite", "postgres": "postgresql"}[database]
    disk = Disk(stores.clinic)
    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: warned.append((title, text))
    )
    panel = ConsultPanel()
    qtbot.addWidget(panel)
    panel.set_service(ConsultService(stores.clinic, clinician="Dr Test"))
    panel.set_locked(False)
    panel._timer.setInterval(20)  # the 2-s autosave, faster for the test
    panel.show()
    panel.start_from("sciatica", ["tens"], "Sciatica: TENS")
    yield panel, disk, warned, panel.service
    panel.close()
    panel.operations.wait()  # a save that the close's focus change began ends first
    stores.close()


def _saved_notes(service, panel) -> str:
    return service.get(panel.consult.id).notes_html


def test_a_failed_save_keeps_the_text_and_retries_on_the_next_change(
    qtbot, setup, database
) -> None:
    panel, disk, warned, service = setup
    panel.notes.setPlainText("First words.")
    assert panel.save_now()
    before = _saved_notes(service, panel)
    version = panel.consult.version

    disk.fill()
    panel.notes.setPlainText("First words. " + BIG)  # a change: the autosave fires
    qtbot.waitUntil(lambda: panel.status.text().startswith("Not saved"), timeout=5000)
    assert len(warned) == 1
    title, text = warned[0]
    assert title == "Consult not saved"
    assert _is_a_clear_full_disk_message(text, database), text
    assert BIG[:200] in panel.notes.toPlainText()  # still on screen
    assert _saved_notes(service, panel) == before and panel.consult.version == version

    qtbot.keyClicks(panel.notes, " more")  # the next change tries again, fails again…
    qtbot.waitUntil(lambda: not panel._timer.isActive(), timeout=5000)
    qtbot.waitUntil(panel.save_idle, timeout=5000)  # the save runs on the write queue
    assert panel.status.text().startswith("Not saved")
    assert len(warned) == 1  # …without a second message box for the same failure
    assert panel.has_unsaved()

    disk.free()
    qtbot.keyClicks(panel.notes, " end.")  # and once there is room, the save lands
    qtbot.waitUntil(lambda: panel.status.text().startswith("Saved"), timeout=5000)
    saved = _saved_notes(service, panel)
    assert "First words." in saved and "Prefers to avoid needles." in saved
    assert "more end." in saved
    assert panel.consult.version == version + 1 and not panel.has_unsaved()


def test_locking_with_an_unsaved_consult_hides_it_and_brings_it_back(
    qtbot, setup, database
) -> None:
    panel, disk, warned, service = setup
    disk.fill()
    panel.notes.setPlainText(BIG)
    panel.set_locked(True)  # the idle lock, with a full disk
    assert panel.notes.toPlainText() == "" and panel.consult is None  # nothing on screen
    assert warned and _is_a_clear_full_disk_message(warned[0][1], database), warned
    disk.free()
    panel.set_locked(False)
    assert BIG[:200] in panel.notes.toPlainText()  # back, and saved
    assert BIG[:200] in _saved_notes(service, panel)
    assert not panel.has_unsaved()


def test_a_new_consult_does_not_discard_unsaved_text(qtbot, setup) -> None:
    panel, disk, _warned, _service = setup
    disk.fill()
    panel.notes.setPlainText(BIG)
    first = panel.consult.id
    panel.start_from("sciatica", ["tens"], "Sciatica: TENS")
    assert panel.consult.id == first and BIG[:200] in panel.notes.toPlainText()


def test_two_windows_on_one_consult_the_stale_one_is_refused_and_keeps_its_text(
    qtbot, setup, data_dir, monkeypatch
) -> None:
    """Window A and window B (each with its own database connection) open the same consult;
    A saves, then B saves from its older copy: B is told, nothing of A's is overwritten,
    B's text stays on B's screen, and B can keep both texts by saving its own as a
    separate consult."""
    panel_a, _disk, _warned, service = setup
    shown: list[str] = []
    choice = ["Not now"]

    def answer(box) -> int:
        shown.append(f"{box.windowTitle()}: {box.text()} {box.informativeText()}")
        for button in box.buttons():
            if button.text() == choice[0]:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    stores_b = open_stores(backend_of(data_dir))
    panel_b = ConsultPanel()
    qtbot.addWidget(panel_b)
    try:
        panel_b.set_service(ConsultService(stores_b.clinic, clinician="Dr B"))
        panel_b.set_locked(False)
        panel_b.show_consult(panel_b.service.open(panel_a.consult.id))
        panel_a.notes.setPlainText("Written in room A.")
        assert panel_a.save_now()
        panel_b.notes.setPlainText("Written in room B from an older copy.")
        assert not panel_b.save_now()  # "Not now": B's text stays, unsaved
        assert "changed elsewhere" in shown[-1] and "nothing was overwritten" in shown[-1]
        assert "both texts are kept" in shown[-1]
        assert "Written in room A." in service.get(panel_a.consult.id).notes_html
        assert "room B" in panel_b.notes.toPlainText()
        choice[0] = "Save mine as a separate consult"
        panel_b.notes.setPlainText("Written in room B from an older copy, again.")
        assert panel_b.save_now()
        copy = service.get(panel_b.consult.id)
        assert copy.id != panel_a.consult.id and copy.follow_up_of == panel_a.consult.id
        assert "room B from an older copy, again." in copy.notes_html
        assert "Written in room A." in service.get(panel_a.consult.id).notes_html  # both kept
        consult = service.get(panel_a.consult.id)
        assert service.save(replace(consult, plan="A's plan")).version == consult.version + 1
    finally:
        panel_b.close()
        panel_b.operations.wait()  # a save that the close's focus change began ends first
        stores_b.close()
