"""A window left open while a newer version of the application upgrades the shared
database (another PC) keeps the typed text on screen, says "update this PC" once, and
writes nothing; the PIN still unlocks (checked read-only), bringing back the hidden text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from explorer.services.consults import ConsultService
from tests.ui.helpers import clinic_engine, close_window, open_window

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL


def _newer_version_upgrades(window) -> None:
    with clinic_engine(window).connect() as connection, connection.begin():
        connection.execute(text("UPDATE alembic_version SET version_num = 'c9999'"))


def test_typing_after_another_pc_upgraded_keeps_the_text_and_says_update(
    qtbot, data_dir, settings_file, monkeypatch
) -> None:
    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, message: warned.append((title, message))
    )
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.start_consult()
        panel = window.consult
        panel.notes.setPlainText("Saved before the upgrade.")
        assert panel.save_now()
        _newer_version_upgrades(window)

        panel.notes.setPlainText("Saved before the upgrade. Typed after it.")
        assert not panel.save_now()
        assert panel.status.text().startswith("Not saved")
        assert "Typed after it." in panel.notes.toPlainText() and panel.has_unsaved()
        assert len(warned) == 1 and warned[0][0] == "Consult not saved"
        assert "update this PC" in warned[0][1] and "Traceback" not in warned[0][1]
        assert "offers to keep the text in a file" in warned[0][1]
        assert "saved again at your next change" not in warned[0][1]  # it would not be

        consults = ConsultService(clinic_engine(window))
        stored = consults.get(panel.consult.id)
        assert stored is not None and "Typed after it." not in stored.notes_html

        window.lock_clinician()  # the lock still hides the notes…
        assert panel.notes.toPlainText() == "" and not window.unlocked
        qtbot.waitUntil(  # the audit write runs on the write queue, after the lock
            lambda: "Not recorded in the audit log" in window.statusBar().currentMessage(),
            timeout=3000,
        )
        form = window.consult_lock.form
        form.pin.setText("2468")  # …and the PIN, checked read-only, brings the text back
        assert form.try_submit(), form.message.text()
        assert window.unlocked and "Typed after it." in panel.notes.toPlainText()

        first = panel.consult.id  # an older consult can still be opened to read
        monkeypatch.setattr(panel, "has_unsaved", lambda: False)
        monkeypatch.setattr(panel, "save_now", lambda: True)
        panel.show_consult(None)
        panel.refresh_history()
        panel.history.setCurrentRow(0)
        panel.reopen_button.click()
        assert panel.consult is not None and panel.consult.id == first
        assert "Saved before the upgrade." in panel.notes.toPlainText()
        assert panel.status.text().startswith("Opened to read; not in the audit log")
    finally:
        monkeypatch.setattr(window.consult, "has_unsaved", lambda: False)
        close_window(window)
