"""Clinician mode: first start asks for a PIN; with a PIN the window starts with consults
locked; the PIN unlocks them (wrong PINs wait); idle time locks them again and hides the
notes; the audit log and preferences ask for the PIN. The tests about the PIN, the audit log and
consults (``database``) run on the data folder's SQLite files and on a PostgreSQL server."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from explorer.services.audit import AuditAction, AuditLog
from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
from explorer.ui.clinic.audit_dialog import AuditDialog
from explorer.ui.clinic.pin_lock import PinDialog
from tests.conftest import TEST_PIN
from tests.engines import backend_of
from tests.ui.helpers import clinic_engine, close_window, open_window, unlock

BOTH_ENGINES = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL


def _audit(window) -> Counter[str]:
    return Counter(e.action for e in AuditLog(clinic_engine(window)).events())


@BOTH_ENGINES
def test_consults_start_locked_and_the_pin_opens_them(qtbot, data_dir, settings_file) -> None:
    stores = open_stores(backend_of(data_dir))
    ConsultService(stores.clinic).start(condition=None, treatments=[], patient_label="A. B.")
    stores.close()
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert window.open_clinic()
        window.tabs.setCurrentWidget(window.consult_tab)
        assert window.consult_tab.currentWidget() is window.consult_lock
        assert window.consult.history.count() == 0  # not even the labels
        form = window.consult_lock.form
        form.pin.setText("9999")
        assert not form.try_submit()
        assert "not right" in form.message.text()
        assert window.consult_tab.currentWidget() is window.consult_lock
        unlock(window)
        assert window.consult_tab.currentWidget() is window.consult
        assert window.consult.history.count() == 1
        assert _audit(window)[AuditAction.CLINICIAN_UNLOCKED.value] == 1
    finally:
        close_window(window)


@BOTH_ENGINES
def test_repeated_wrong_pins_make_the_form_wait(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.open_clinic()
        form = window.consult_lock.form
        for _ in range(3):
            form.pin.setText("0000")
            form.try_submit()
        assert not form.button.isEnabled() and not form.pin.isEnabled()
        assert "try again in 10 seconds" in form.message.text()
        form.pin.setText(TEST_PIN)
        assert not form.try_submit()  # refused while waiting, even the right PIN
        assert not window.unlocked
    finally:
        close_window(window)


@BOTH_ENGINES
def test_idle_time_locks_saves_and_hides_the_notes(
    qtbot, data_dir, settings_file, database
) -> None:
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        assert (
            clinic_engine(window).dialect.name
            == {
                "sqlite": "sqlite",
                "postgres": "postgresql",
            }[database]
        )
        window.start_consult()
        panel = window.consult
        consult_id = panel.consult.id
        panel.notes.setPlainText("typed just before walking away")
        now = [5000.0]
        window.idle_watch.set_clock(lambda: now[0])
        now[0] += window.settings.clinician_lock_minutes * 60 - 1
        assert not window.idle_watch.check() and window.unlocked
        now[0] += 1
        assert window.idle_watch.check()
        assert not window.unlocked
        assert window.consult_tab.currentWidget() is window.consult_lock
        assert panel.consult is None and panel.notes.toPlainText() == ""
        assert panel.history.count() == 0
        saved = panel.service.get(consult_id)
        assert "typed just before walking away" in saved.notes_html  # nothing lost
        events = AuditLog(clinic_engine(window)).events()
        locks = [e for e in events if e.action == AuditAction.CLINICIAN_LOCKED.value]
        assert len(locks) == 1 and locks[0].detail == "idle"
        assert not window.idle_watch.check()  # once, until there is input again
    finally:
        close_window(window)


def test_locked_start_consult_asks_for_the_pin_then_starts(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.add_to_comparison(["tens"])
        window.start_consult()
        assert window.consult.consult is None
        dialog = window.pin_dialog
        assert isinstance(dialog, PinDialog) and dialog.isVisible()
        dialog.form.pin.setText(TEST_PIN)
        assert dialog.form.try_submit()
        assert window.consult.consult is not None
        assert window.consult.consult.treatments == ("tens",)
    finally:
        close_window(window)


def test_first_start_asks_for_a_pin_and_refuses_a_mismatch(
    qtbot, tmp_path, settings_file, empty_database
) -> None:
    folder = tmp_path / "first-start"
    open_stores(backend_of(folder)).close()  # on PostgreSQL: a new, empty server database
    window = open_window(qtbot, folder, settings_file)
    try:
        assert window.open_clinic()
        qtbot.waitUntil(lambda: getattr(window, "pin_dialog", None) is not None, timeout=3000)
        dialog = window.pin_dialog
        assert dialog.isVisible() and dialog.form.setting
        dialog.form.pin.setText("4826")
        dialog.form.confirm.setText("4826")
        assert not dialog.form.try_submit()  # no name yet: the audit log needs one
        assert "name" in dialog.form.message.text()
        dialog.name.setText("Dr A. Rivera")
        dialog.form.pin.setText("4826")
        dialog.form.confirm.setText("4862")
        assert not dialog.form.try_submit()
        assert "differ" in dialog.form.message.text()
        dialog.form.pin.setText("4826")
        dialog.form.confirm.setText("4826")
        assert dialog.form.try_submit()
        assert window.unlocked and window.access.has_pin()
        assert _audit(window)[AuditAction.PIN_SET.value] == 1
        assert window.settings.clinician == "Dr A. Rivera"
        events = AuditLog(clinic_engine(window)).events()
        assert all(e.clinician == "Dr A. Rivera" for e in events)
    finally:
        close_window(window)


@BOTH_ENGINES
def test_audit_log_needs_the_pin_shows_the_actions_and_exports_csv(
    qtbot, data_dir, settings_file, tmp_path, monkeypatch
) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.audit_action.trigger()
        assert isinstance(window._dialog, PinDialog)  # not the log
        window._dialog.form.pin.setText(TEST_PIN)
        window._dialog.form.try_submit()
        dialog = window._dialog
        assert isinstance(dialog, AuditDialog)
        actions = [dialog.model.index(r, 1).data() for r in range(dialog.model.rowCount())]
        assert actions[0] == AuditAction.CLINICIAN_UNLOCKED.value  # newest first
        target = tmp_path / "audit.csv"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV file (*.csv)")
        )
        assert dialog.export_csv() == target
        text = Path(target).read_text(encoding="utf-8-sig")
        assert text.startswith("id,time (UTC),action") and "clinician mode unlocked" in text
        assert _audit(window)[AuditAction.AUDIT_EXPORTED.value] == 1
        window.lock_clinician()
        assert not dialog.isVisible()  # locking closes the log
    finally:
        close_window(window)


def test_preferences_ask_for_the_pin_when_locked(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.preferences_action.trigger()
        assert isinstance(window._dialog, PinDialog)
        assert getattr(window, "_preferences", None) is None
    finally:
        close_window(window)


@BOTH_ENGINES
def test_locking_closes_every_open_dialog_and_applies_nothing(
    qtbot, data_dir, settings_file, monkeypatch
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    # The timers below may outlive this test: once it ends they must not touch the next
    # test's dialogs (the same test on the other engine opens the same ones at once).
    active = [True]
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.start_consult()
        consult_id = window.consult.consult.id
        seen: list[str] = []
        forced: list[str] = []  # dialogs the lock failed to close (closed by the test instead)

        def lock_while_open(then_check) -> None:
            def fire() -> None:
                if not active[0]:
                    return
                modal = QApplication.activeModalWidget()
                seen.append(type(modal).__name__)
                if isinstance(modal, QDialog) and hasattr(modal, "clinic"):
                    modal.clinic.setText("Changed while locked")
                window.lock_clinician("idle")
                then_check()
                QTimer.singleShot(300, force_close)  # only if the lock left it open

            def force_close() -> None:
                if not active[0]:
                    return
                modal = QApplication.activeModalWidget()
                if modal is not None:
                    forced.append(type(modal).__name__)
                    modal.reject()

            QTimer.singleShot(50, fire)

        # Preferences open when the lock fires: closed, nothing applied.
        lock_while_open(lambda: None)
        window._edit_preferences_now()
        assert seen == ["PreferencesDialog"] and forced == []
        assert window.settings.clinic_name != "Changed while locked"
        # The delete question open when the lock fires: answered no, nothing deleted.
        unlock(window)
        window.consult.refresh_history()
        window.consult.history.setCurrentRow(0)
        lock_while_open(lambda: None)
        window.consult.delete_button.click()
        assert seen[-1] == "QMessageBox" and forced == []
        assert not window.consult.service.get(consult_id).deleted
        visible = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
        ]
        assert visible == []
    finally:
        active[0] = False
        close_window(window)


def test_locking_clears_a_copied_note_from_the_clipboard(qtbot, data_dir, settings_file) -> None:
    from PySide6.QtGui import QGuiApplication

    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.start_consult()
        window.consult.notes.setPlainText("she fears losing her job")
        window.consult.notes.selectAll()
        window.consult.notes.copy()
        clipboard = QGuiApplication.clipboard()
        assert clipboard.text() == "she fears losing her job"
        window.lock_clinician()
        assert clipboard.text() == ""
        clipboard.setText("a treatment name")  # something unrelated and not ours stays
    finally:
        close_window(window)


def test_changing_the_pin_asks_for_the_current_one_first(
    qtbot, data_dir, settings_file, monkeypatch
) -> None:
    from PySide6.QtWidgets import QDialog

    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        asked: list[str] = []

        def answer(dialog):
            asked.append(dialog.windowTitle() + ": " + ("set" if dialog.form.setting else "check"))
            if not dialog.form.setting:
                dialog.form.pin.setText("0000")  # a wrong current PIN
                dialog.form.try_submit()
                return QDialog.DialogCode.Rejected
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(QDialog, "exec", answer)
        from explorer.ui.clinic.preferences import PreferencesDialog

        window._preferences = PreferencesDialog(window.settings, window)
        window._change_pin()
        assert asked == ["Change the clinician PIN: check"]  # never reached "set"
        assert window.access.check(TEST_PIN).ok  # the PIN is unchanged
    finally:
        close_window(window)


def test_first_start_data_folder_logs_and_settings_are_private(tmp_path) -> None:
    import os
    import stat

    import pytest
    from PySide6.QtCore import QSettings

    from explorer.ui.window.app import _configure_logging
    from explorer.ui.window.settings import UiSettings

    if os.name != "posix":
        pytest.skip("POSIX file modes")
    old = os.umask(0o022)
    try:
        folder = tmp_path / "fresh" / "data"
        _configure_logging(folder)  # the window's first step after its first paint
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "logs").stat().st_mode) == 0o700
        ini = tmp_path / "settings.ini"
        ini.write_text("[consult]\nclinician=Dr A\n")
        ini.chmod(0o644)
        settings = UiSettings(QSettings(str(ini), QSettings.Format.IniFormat))
        assert stat.S_IMODE(ini.stat().st_mode) == 0o600
        settings.clinician = "Dr B"
        settings.sync()
        assert stat.S_IMODE(ini.stat().st_mode) == 0o600
    finally:
        os.umask(old)
        import logging

        for handler in logging.getLogger().handlers[:]:
            if getattr(handler, "baseFilename", "").startswith(str(tmp_path)):
                logging.getLogger().removeHandler(handler)
                handler.close()
