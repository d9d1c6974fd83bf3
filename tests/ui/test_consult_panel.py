"""The consult workspace driven as a clinician would: start, type, tick, restart, find."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.ui.helpers import close_window, open_window

pytestmark = pytest.mark.usefixtures("database")  # the window on SQLite and on PostgreSQL


def test_start_type_tick_restart_and_find_everything(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    window.condition.setCurrentIndex(window.condition.findData("sciatica"))
    window.add_to_comparison(["exercise-therapy", "epidural-steroid-injection"])
    window.start_consult()
    panel = window.consult
    assert panel.consult is not None and panel.consult.treatments == (
        "exercise-therapy",
        "epidural-steroid-injection",
    )
    qtbot.keyClicks(panel.label, "J. S.")
    qtbot.keyClicks(panel.notes, "Prefers to avoid needles")
    panel.boxes["avoid-procedures"].setChecked(True)
    panel.boxes["quick-relief"].setChecked(True)
    # saved within 2 s of the last keystroke, without any other action
    qtbot.waitUntil(lambda: panel.status.text().startswith("Saved"), timeout=5000)
    consult_id = panel.consult.id
    close_window(window)

    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.tabs.setCurrentWidget(window.consult_tab)
        panel = window.consult
        ids = [panel.history.item(i).data(256) for i in range(panel.history.count())]
        assert consult_id in ids
        panel.history.setCurrentRow(ids.index(consult_id))
        panel.reopen_button.click()
        assert panel.label.text() == "J. S."
        assert "Prefers to avoid needles" in panel.notes.toPlainText()
        assert panel.boxes["avoid-procedures"].isChecked()
        assert panel.boxes["quick-relief"].isChecked()
        assert not panel.boxes["fear-of-surgery"].isChecked()
    finally:
        close_window(window)


def test_focus_change_saves_at_once(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.start_consult()
        panel = window.consult
        window.activateWindow()
        panel.notes.setFocus()
        qtbot.keyClicks(panel.notes, "typed then clicked away")
        window.catalog.search.setFocus()  # focus leaves the consult: saved immediately
        qtbot.waitUntil(panel.save_idle, timeout=5000)  # on the write queue, not the GUI
        saved = panel.service.get(panel.consult.id)
        assert "typed then clicked away" in saved.notes_html
    finally:
        close_window(window)


def test_delete_asks_first_and_can_be_undone(qtbot, data_dir, settings_file, monkeypatch) -> None:
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.start_consult()
        panel = window.consult
        panel.refresh_history()
        panel.history.setCurrentRow(0)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
        panel.delete_button.click()
        assert panel.history.count() == 1
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        panel.delete_button.click()
        assert panel.history.count() == 0 and panel.undo_button.isEnabled()
        panel.undo_button.click()
        assert panel.history.count() == 1
    finally:
        close_window(window)


@pytest.mark.slow
def test_export_carries_the_consult(qtbot, data_dir, settings_file, tmp_path, monkeypatch) -> None:
    from tests.report.test_export_pdf import pdf_text

    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.add_to_comparison(["exercise-therapy"])
        window.start_consult()
        panel = window.consult
        panel.label.setText("Room 3 patient")
        panel.notes.setPlainText("Discussed a home exercise plan")
        panel.boxes["cost-and-coverage"].setChecked(True)
        panel.plan.setText("Start exercise; review after six weeks")
        panel.save_now()
        target = tmp_path / "consult.pdf"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF document (*.pdf)")
        )
        assert window.reports.export_pdf("clinician") == target
        text = " ".join(pdf_text(target))
        for expected in (
            "Room 3 patient",
            "Discussed a home exercise plan",
            "Cost and insurance coverage",
            "Start exercise; review after six",
        ):
            assert expected in text, expected
    finally:
        close_window(window)


def test_clinician_name_is_remembered_and_history_shows_the_label(
    qtbot, data_dir, settings_file
) -> None:
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.start_consult()
        panel = window.consult
        qtbot.keyClicks(panel.clinician, "Dr Rivera")
        qtbot.keyClicks(panel.label, "Room 2")
        panel.save_now()
        assert "Room 2" in panel.history.item(0).text()
        panel.clinician.clear()
        window.start_consult()
        assert panel.clinician.text() == "Dr Rivera"
    finally:
        close_window(window)


def test_clinic_name_from_preferences_heads_the_report(
    qtbot, data_dir, settings_file, monkeypatch
) -> None:
    from PySide6.QtWidgets import QDialog

    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:

        def accept(dialog):
            window._preferences.clinic.setText("Riverside Spine Clinic")
            window._preferences.clinician.setText("Dr Rivera")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(QDialog, "exec", accept)
        window.preferences_action.trigger()
        assert window.settings.clinic_name == "Riverside Spine Clinic"
        content, _images = window.reports.report("clinician")
        assert content.clinic_name == "Riverside Spine Clinic"
        window.start_consult()
        assert window.consult.clinician.text() == "Dr Rivera"
    finally:
        close_window(window)
