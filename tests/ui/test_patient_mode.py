"""Patient mode: one action in, full screen, plain words, large type; no route to notes,
history, export, settings or file dialogs; the PIN ends it; idle starts it over."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTextBrowser,
    QTextEdit,
    QWidget,
)

from explorer.services.audit import AuditAction, AuditLog
from explorer.ui.clinic.consult_panel import ConsultPanel
from explorer.ui.clinic.pin_lock import PinDialog
from explorer.ui.patient.patient_window import PATIENT_POINT_SIZE
from tests.conftest import TEST_PIN
from tests.engines import backend_of
from tests.ui.helpers import clinic_engine, close_window, open_window

SECRET_LABEL = "Room 3 Jane Q"
SECRET_NOTE = "worried about her job at the bakery"


@pytest.fixture
def blocked_dialogs(monkeypatch) -> list[str]:
    """Every modal route out records its name instead of blocking the test."""
    calls: list[str] = []
    for name in ("information", "question", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox, name, lambda *a, _n=name, **k: calls.append(_n) or QMessageBox.Ok
        )
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: calls.append("file dialog") or ("", "")
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: calls.append("file dialog") or ("", "")
    )
    monkeypatch.setattr(QDialog, "exec", lambda self: calls.append(type(self).__name__) or 0)
    return calls


def _with_a_consult(qtbot, data_dir, settings_file):
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    window.condition.setCurrentIndex(window.condition.findData("sciatica"))
    window.add_to_comparison(["exercise-therapy", "epidural-steroid-injection"])
    window.start_consult()
    window.consult.label.setText(SECRET_LABEL)
    window.consult.notes.setPlainText(SECRET_NOTE)
    assert window.consult.save_now()
    return window


def _enter(qtbot, window):
    window.patient_mode_action.trigger()
    patient = window.patient_window
    assert patient is not None
    qtbot.waitExposed(patient)
    return patient


def _leave(qtbot, patient, pin: str = TEST_PIN) -> None:
    patient.ask_to_leave()
    dialog = patient._dialog
    assert isinstance(dialog, PinDialog)
    dialog.form.pin.setText(pin)
    dialog.form.try_submit()


def _visible_texts(root: QWidget) -> str:
    texts = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            texts.append(w.text())
        elif isinstance(w, QTextBrowser | QTextEdit):
            texts.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            texts.extend(w.itemText(i) for i in range(w.count()))
        texts.append(w.windowTitle())
    return "\n".join(texts)


def test_one_action_enters_full_screen_plain_large_type_with_the_comparison(
    qtbot, data_dir, settings_file
) -> None:
    window = _with_a_consult(qtbot, data_dir, settings_file)
    try:
        patient = _enter(qtbot, window)
        assert patient.windowState() & Qt.WindowState.WindowFullScreen
        assert not window.isVisible()
        assert patient.font().pointSizeF() >= PATIENT_POINT_SIZE
        assert patient.browse.catalog.view.font().pointSizeF() >= PATIENT_POINT_SIZE
        assert patient.browse.model.plain and patient.browse.catalog.model.plain
        assert patient.browse.model.slugs() == ["exercise-therapy", "epidural-steroid-injection"]
        assert patient.condition.currentData() == "sciatica"
        # the glossary terms the comparison uses are explained beside it
        assert "Words used above" in patient.browse.words.toPlainText()
        # the charts in their patient forms only: people out of 100, then the timeline
        patient.browse.tabs.setCurrentWidget(patient.browse.charts)
        tabs = patient.browse.charts.tabs
        titles = [tabs.tabText(i).replace("&", "") for i in range(tabs.count())]
        assert titles == ["People out of 100", "When it may help"]
        assert patient.browse.charts.icons._plain and patient.browse.charts.timeline._plain
        _leave(qtbot, patient)
    finally:
        close_window(window)


def test_nothing_of_the_clinic_is_reachable_in_patient_mode(
    qtbot, data_dir, settings_file, blocked_dialogs
) -> None:
    window = _with_a_consult(qtbot, data_dir, settings_file)
    try:
        fired: list[str] = []
        for action in window.actions():
            name = action.text()
            action.triggered.connect(lambda *_a, _t=name: fired.append(_t))
        # Positive control: the same key presses do reach the clinician window's actions.
        window.activateWindow()
        QTest.keySequence(window, QKeySequence("Ctrl+2"))
        assert fired, "the key presses should trigger the clinician window's shortcuts"
        fired.clear()

        patient = _enter(qtbot, window)
        assert fired == ["&Patient mode"]  # the one action that entered it
        fired.clear()
        # Locked on the way in: the hidden window holds no note either.
        assert not window.unlocked
        assert window.consult.notes.toPlainText() == "" and window.consult.history.count() == 0
        texts = _visible_texts(patient)
        assert SECRET_LABEL not in texts and SECRET_NOTE not in texts
        assert not patient.findChildren(ConsultPanel)
        assert not patient.findChildren(
            QTextEdit, options=Qt.FindChildOption.FindChildrenRecursively
        ) or all(w.isReadOnly() for w in patient.findChildren(QTextEdit))
        assert patient.layout().menuBar() is None
        # Every shortcut of the clinician window, pressed in patient mode: nothing happens.
        patient.activateWindow()
        target = patient.browse.catalog.search
        target.setFocus()
        shortcuts = {
            a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()
        }
        shortcuts |= {"Ctrl+O", "Ctrl+S", "Ctrl+P", "Ctrl+E", "Ctrl+,", "F1", "Ctrl+Q", "Ctrl+L"}
        for sequence in sorted(shortcuts):
            QTest.keySequence(target, QKeySequence(sequence))
        assert fired == []
        assert blocked_dialogs == []
        assert not window.isVisible() and patient.isVisible()
        # Charts: no export buttons, no chart context menu (pyqtgraph's has "Export…").
        patient.browse.tabs.setCurrentWidget(patient.browse.charts)
        assert patient.browse.charts.built
        buttons = [b.text() for b in patient.findChildren(QAbstractButton)]
        assert not [b for b in buttons if "Export" in b or "Print" in b or "Save" in b]
        for chart in patient.browse.charts.charts:
            assert not chart.plot.menuEnabled()
            assert not chart.plot.getViewBox().menuEnabled()
        assert patient.browse.charts.export(patient.browse.charts.charts[0], "png") is None
        for widget in patient.findChildren(QWidget):
            assert widget.contextMenuPolicy() != Qt.ContextMenuPolicy.ActionsContextMenu or not (
                widget.actions()
            )
        # No other top-level window became visible (no file, print or settings dialog).
        others = [
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w is not patient and not isinstance(w, PinDialog)
        ]
        assert others == []
        _leave(qtbot, patient)
    finally:
        close_window(window)


def test_closing_asks_for_the_pin_and_only_the_right_pin_ends_patient_mode(
    qtbot, data_dir, settings_file
) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.add_to_comparison(["tens"])
        audit = lambda: [e.action for e in AuditLog(clinic_engine(window)).events()]  # noqa: E731
        patient = _enter(qtbot, window)
        patient.close()  # Alt+F4 and the like
        assert patient.isVisible()
        assert isinstance(patient._dialog, PinDialog) and patient._dialog.isVisible()
        _leave(qtbot, patient, pin="0000")
        assert patient.isVisible() and not window.isVisible()
        assert "not right" in patient._dialog.form.message.text()
        _leave(qtbot, patient)
        assert window.isVisible() and not patient.isVisible()
        assert window.patient_window is None
        assert window.unlocked  # the PIN was given
        actions = audit()
        assert actions.count(AuditAction.PATIENT_MODE_ENTERED.value) == 1
        assert actions.count(AuditAction.PATIENT_MODE_LEFT.value) == 1
        assert actions.count(AuditAction.WRONG_PIN.value) == 1
    finally:
        close_window(window)


def test_idle_patient_mode_starts_over_and_forgets_what_was_browsed(
    qtbot, data_dir, settings_file
) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.add_to_comparison(["tens"])
        patient = _enter(qtbot, window)
        now = [1000.0]
        patient.idle_watch.set_clock(lambda: now[0])
        patient.condition.setCurrentIndex(patient.condition.findData("sciatica"))
        patient.browse.model.add_slugs(["exercise-therapy"])
        patient.browse.catalog.search.setText("yoga")
        patient.show_details("tens")
        details = patient._dialog
        assert details is not None and details.isVisible()
        now[0] += window.settings.patient_idle_minutes * 60 - 1
        assert not patient.idle_watch.check()
        assert patient.stack.currentWidget() is patient.browse
        now[0] += 1
        assert patient.idle_watch.check()
        assert patient.stack.currentWidget() is patient.welcome
        assert patient.browse is None  # the browsing page is gone, not hidden
        assert patient.condition.currentIndex() == 0
        assert not details.isVisible()
        # Starting again shows a fresh page: nothing of the last visitor.
        patient.condition_buttons[0].click()
        assert patient.browse.model.slugs() == []
        assert patient.browse.catalog.search.text() == ""
        _leave(qtbot, patient)
    finally:
        close_window(window)


def test_patient_mode_needs_a_pin_to_exist_first(qtbot, tmp_path, settings_file) -> None:
    from explorer.services.pin_service import AccessService
    from explorer.services.stores import open_stores

    folder = tmp_path / "fresh"
    open_stores(backend_of(folder)).close()  # a data folder with no PIN yet
    window = open_window(qtbot, folder, settings_file)
    try:
        window.open_clinic()
        window.patient_mode_action.trigger()
        assert window.patient_window is None  # not without a way back
        dialog = window.pin_dialog
        assert dialog.isVisible()
        dialog.name.setText("Dr Rivera")
        dialog.form.pin.setText("5813")
        dialog.form.confirm.setText("5813")
        assert dialog.form.try_submit()
        assert AccessService(clinic_engine(window)).has_pin()
        assert window.patient_window is not None  # entered once the PIN was set
        _leave(qtbot, window.patient_window, pin="5813")
    finally:
        close_window(window)


def test_patient_mode_own_words_read_at_grade_8_or_below(qtbot, data_dir, settings_file) -> None:
    import textstat

    window = open_window(qtbot, data_dir, settings_file)
    try:
        patient = _enter(qtbot, window)
        texts = [
            patient.footer.text(),
            *(
                label.text()
                for label in patient.welcome.findChildren(QLabel)
                if len(label.text()) > 40
            ),
        ]
        assert len(texts) >= 2
        failing = [t for t in texts if textstat.flesch_kincaid_grade(t) > 8]
        assert not failing, failing
        _leave(qtbot, patient)
    finally:
        close_window(window)


def test_patient_timeline_on_screen_is_in_plain_words(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.add_to_comparison(["intra-annular-fibrin", "exercise-therapy"])
        patient = _enter(qtbot, window)
        patient.browse.tabs.setCurrentWidget(patient.browse.charts)
        timeline = patient.browse.charts.timeline
        texts = " ".join(
            item.toPlainText() for item in timeline.plot.items if hasattr(item, "toPlainText")
        )
        rows = " ".join(text for _y, text in timeline.plot.getAxis("left")._tickLevels[0])
        shown = f"{timeline.title.text()} {texts} {rows} {timeline.caption.text()}"
        assert "No one knows yet" in shown and "Time to check how it is going" in shown
        assert "not established" not in shown.lower() and "benefit lasts" not in shown
        fibrin = window.service.treatment("intra-annular-fibrin")
        assert fibrin.plain_name in rows and "Intra-annular" not in rows  # plain names
        assert "not a promise for you" in timeline.caption.text()
        _leave(qtbot, patient)
    finally:
        close_window(window)


def test_glossary_words_are_explained_on_every_patient_page(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.add_to_comparison(["epidural-steroid-injection"])
        patient = _enter(qtbot, window)
        browse = patient.browse
        assert "Words used above" in browse.words.toPlainText()
        for view in (browse.pathway, browse.faq):
            assert "Words used on this page" in view.browser.toPlainText(), view
        patient.show_details("epidural-steroid-injection")
        details = patient._dialog.browser.toPlainText()
        assert "Words used on this page" in details
        # only words the page shows: the citations row is not searched for terms
        assert "Systematic review:" not in browse.words.toPlainText()
        _leave(qtbot, patient)
    finally:
        close_window(window)
