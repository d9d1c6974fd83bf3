"""The clinic side of the main window: the clinic database, the clinician lock, consults,
the audit log and the way into patient mode.

Clinician mode starts locked when a PIN exists (first start asks for one). Locked, the
Consult tab shows only a PIN field, no consult is open, and the audit log and preferences
ask for the PIN; the knowledge base stays browsable. It locks again after the idle period
(default 5 minutes), on File → Lock, and on entering patient mode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets

from explorer.ui.style import as_is

if TYPE_CHECKING:
    from explorer.services.audit import AuditAction

log = logging.getLogger(__name__)

# explorer.ui.access is imported where it is used: this module loads before the first paint,
# and the access widgets (and their Qt enums) are needed only after it.


def forget_clipboard(private_texts: tuple[str, ...] = ()) -> None:
    """Empty the clipboard if it holds something copied in this application, or any piece
    of ``private_texts`` (the open consult): a note must not be pasted in patient mode."""
    clipboard = QtGui.QGuiApplication.clipboard()
    modes = [QtGui.QClipboard.Mode.Clipboard]
    if clipboard.supportsSelection():
        modes.append(QtGui.QClipboard.Mode.Selection)
    for mode in modes:
        owned = (
            clipboard.ownsClipboard()
            if mode == QtGui.QClipboard.Mode.Clipboard
            else clipboard.ownsSelection()
        )
        text = clipboard.text(mode).strip()
        if owned or (text and any(text in private for private in private_texts)):
            clipboard.clear(mode)


class ClinicMode:
    """Mixed into :class:`explorer.ui.main_window.MainWindow`."""

    # --- opening the clinic database ---------------------------------------------------------
    def _build_clinic(self) -> None:
        """Called from ``build``: the Consult tab's lock page and the idle watch."""
        from explorer.ui.access import IdleWatch, LockPage

        self.unlocked = False
        self.access = None
        self.audit = None
        self.patient_window = None
        self.consult_lock = LockPage(self)
        self.consult_tab = QtWidgets.QStackedWidget(self)
        self.consult_tab.setAccessibleName("Consult")
        self.consult_tab.addWidget(self.consult_lock)
        self.consult_tab.addWidget(self.consult)
        self.idle_watch = IdleWatch(self.settings.clinician_lock_minutes * 60, self)
        self.idle_watch.sig_idle.connect(lambda: self.lock_clinician("idle"))
        self.consult_lock.text.setText("Opening the clinic's consult records…")

    def open_clinic(self) -> bool:
        """Open the clinic database (SQLAlchemy loads here, after the comparison is shown)."""
        if self.access is not None:
            return True
        if self.data_dir is None:
            return False
        from explorer.errors import UserFacingError
        from explorer.services.access import AccessService
        from explorer.services.audit import AuditLog
        from explorer.services.clinic_db import ClinicDatabaseProblem, open_clinic_store
        from explorer.services.consults import ConsultService

        try:
            self._clinic_stores = open_clinic_store(self.backend)
        except ClinicDatabaseProblem as exc:
            self.consult_lock.heading.setText("Consults unavailable")
            self.consult_lock.text.setText(str(exc))
            if exc.restorable:
                self.offer_restore(exc)  # what is wrong, where, and the newest good backup
            else:  # full, read-only, forbidden: fixed where the data lives, not by a restore
                self._open(
                    QtWidgets.QMessageBox(
                        QtWidgets.QMessageBox.Icon.Critical,
                        "Consults unavailable",
                        str(exc),
                        parent=self,
                    )
                )
            return False
        except UserFacingError as exc:
            self.consult_lock.heading.setText("Consults unavailable")
            self.consult_lock.text.setText(str(exc))
            QtWidgets.QMessageBox.critical(self, "Consults unavailable", as_is(str(exc)))
            return False
        engine = self._clinic_stores.clinic
        self.access = AccessService(engine, attempts_file=self.data_dir / "pin-attempts.json")
        self.audit = AuditLog(engine)
        self.consult.set_service(ConsultService(engine, clinician=self.settings.clinician))
        self._show_lock_page()
        if not self.access.has_pin():
            QtCore.QTimer.singleShot(0, self._first_start_pin)
        self.start_daily_backup()  # on a worker thread
        return True

    def _ensure_consults(self) -> bool:
        return self.open_clinic()

    def _clinician_name(self) -> str:
        return self.settings.clinician or self.consult.clinician.text()

    def record_audit(self, action: AuditAction, detail: str = "") -> None:
        """Add ``action`` to the audit log. When the database refuses (server unreachable,
        disk full, upgraded by a newer version), what was asked still happens — a lock
        must always lock — and the status bar says the event was not recorded."""
        from explorer.errors import UserFacingError

        if self.audit is None:
            return
        try:
            self.audit.record(action, self._clinician_name(), detail=detail)
        except UserFacingError as exc:
            log.warning("audit event %r not recorded: %s", action.value, exc)
            self.statusBar().showMessage(f"Not recorded in the audit log: {exc}", 20_000)

    # --- PIN ----------------------------------------------------------------------------------
    def _check_submit(self, purpose: str) -> Callable[[str, str], tuple[str, int] | None]:
        def submit(pin: str, _confirmation: str) -> tuple[str, int] | None:
            from explorer.errors import UserFacingError

            assert self.access is not None
            try:
                result = self.access.check(pin, clinician=self._clinician_name(), purpose=purpose)
            except UserFacingError as exc:  # the database cannot be written (server, disk)
                return f"The PIN could not be checked. {exc}", 0
            return None if result.ok else (result.message, result.wait_seconds)

        return submit

    def _set_submit(self) -> Callable[[str, str], tuple[str, int] | None]:
        from explorer.ui.access import set_pin_submit

        def set_pin(pin: str, confirmation: str) -> None:
            assert self.access is not None
            self.access.set_pin(pin, confirmation, clinician=self._clinician_name())

        return set_pin_submit(set_pin)

    def _show_lock_page(self) -> None:
        from explorer.ui.access import PinForm

        if self.access is None:
            return
        if self.access.has_pin():
            form = PinForm(self._check_submit("unlock"), setting=False, button_text="&Unlock")
            form.sig_accepted.connect(self._unlocked_by_pin)
            self.consult_lock.show_form(
                form,
                "Consult notes are locked",
                "Enter the clinician PIN to see consults and notes. They lock again after "
                f"{self.settings.clinician_lock_minutes:g} minutes without use.",
            )
        else:
            form = PinForm(self._set_submit(), setting=True, button_text="&Set PIN")
            form.sig_accepted.connect(self._unlocked_by_pin)
            self.consult_lock.show_form(
                form,
                "Set a clinician PIN",
                "Consult notes are health information. Choose a PIN of at least 4 "
                "characters: it unlocks the notes and ends patient mode.",
            )
        self.consult_tab.setCurrentWidget(self.consult_lock)

    def _first_start_pin(self) -> None:
        from explorer.ui.access import PinDialog

        if self.access is None or self.access.has_pin() or self.unlocked:
            return
        dialog = PinDialog(
            "Welcome: set a clinician PIN",
            "Consult notes are health information and stay on this PC. Choose a clinician "
            "PIN (at least 4 characters). It unlocks the notes after a pause and ends "
            "patient mode. Only a salted hash of it is stored.",
            self._set_submit(),
            setting=True,
            button_text="&Set PIN",
            parent=self,
            ask_name=None if self.settings.clinician.strip() else self._set_clinician,
        )
        dialog.accepted.connect(self._unlocked_by_pin)
        self.pin_dialog = dialog
        self._open(dialog)

    def _unlocked_by_pin(self) -> None:
        from explorer.services.audit import AuditAction

        if not self.unlocked:
            self.record_audit(AuditAction.CLINICIAN_UNLOCKED)
        self.unlocked = True
        self.consult.set_locked(False)
        self.idle_watch.touch()
        self.consult_tab.setCurrentWidget(self.consult)
        if self.consult_lock.form is not None:
            self.consult_lock.form.reset()
        then, self._after_unlock = getattr(self, "_after_unlock", None), None
        if then is not None:
            then()

    def with_unlock(self, action: Callable[[], None], purpose: str) -> None:
        """Run ``action`` now if unlocked, else after the PIN is given."""
        if self.unlocked:
            action()
            return
        if not self.open_clinic() or self.access is None:
            return
        if not self.access.has_pin():
            self._after_unlock = action
            self._first_start_pin()
            return
        from explorer.ui.access import PinDialog

        dialog = PinDialog(
            "Clinician PIN",
            f"Enter the clinician PIN to {purpose}.",
            self._check_submit(purpose),
            setting=False,
            button_text="&Unlock",
            parent=self,
        )
        self._after_unlock = action
        dialog.accepted.connect(self._unlocked_by_pin)
        dialog.rejected.connect(lambda: setattr(self, "_after_unlock", None))
        self.pin_dialog = dialog
        self._open(dialog)

    def lock_clinician(self, reason: str = "by hand") -> None:
        """Save, close the open consult and hide notes, history and the audit log."""
        from explorer.services.audit import AuditAction

        if not self._built:
            return
        private = self.consult.private_texts()
        self.consult.set_locked(True)
        if self.consult.service is not None:
            self.consult.service.end_editing()
        was_unlocked, self.unlocked = self.unlocked, False
        self._close_dialogs()
        forget_clipboard(private)
        self._show_lock_page()
        if was_unlocked:
            # painted now: the audit write may wait for an unreachable server (seconds)
            self.repaint()
            self.record_audit(AuditAction.CLINICIAN_LOCKED, detail=reason)

    def _close_dialogs(self) -> None:
        """Close every dialog of this window except PIN prompts: preferences, print preview,
        the audit log, message boxes waiting for an answer (answered "no"), file dialogs."""
        from explorer.ui.access import PinDialog

        for widget in QtWidgets.QApplication.topLevelWidgets():
            if (
                isinstance(widget, QtWidgets.QDialog)
                and widget.isVisible()
                and not isinstance(widget, PinDialog)
                and self._owns(widget)
            ):
                widget.reject()

    def _owns(self, widget: QtWidgets.QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    # --- consults -----------------------------------------------------------------------------
    def start_consult(self) -> None:
        """New consult from the current comparison (asks for the PIN when locked)."""
        self.with_unlock(self._start_consult_now, "start a consult")

    def _start_consult_now(self) -> None:
        slug = self.condition.currentData()
        names = [t.name for t in self.comparison_model.treatments()]
        summary = f"{self.condition.currentText()} · " + (
            ", ".join(names) if names else "no treatments compared yet"
        )
        if not self.consult.clinician.text():
            self.consult.clinician.setText(self.settings.clinician)
        self.consult.start_from(slug, self.comparison_model.slugs(), summary)
        self.tabs.setCurrentWidget(self.consult_tab)

    # --- audit log ------------------------------------------------------------------------------
    def show_audit_log(self) -> None:
        self.with_unlock(self._show_audit_log_now, "see the audit log")

    def _show_audit_log_now(self) -> None:
        from explorer.ui.audit_dialog import AuditDialog

        assert self.audit is not None
        dialog = AuditDialog(self.audit, self._clinician_name, self)
        self._open(dialog)

    # --- patient mode -----------------------------------------------------------------------------
    def enter_patient_mode(self) -> None:
        """One action: lock clinician mode, hide this window, show patient mode full screen."""
        if self.snapshot is None or self.service is None:
            return
        if not self.open_clinic() or self.access is None:
            return
        if not self.access.has_pin():  # patient mode needs a PIN to end it
            self._after_unlock = self.enter_patient_mode
            self._first_start_pin()
            return
        from explorer.services.audit import AuditAction
        from explorer.ui.patient_window import PatientWindow

        self.lock_clinician("patient mode")
        self.record_audit(AuditAction.PATIENT_MODE_ENTERED)
        window = PatientWindow(
            self.snapshot,
            self.service.treatment,
            leave_check=self._check_submit("leave patient mode"),
            idle_minutes=self.settings.patient_idle_minutes,
            condition=self.condition.currentData(),
            comparison=self.comparison_model.slugs(),
        )
        window.sig_left.connect(self._left_patient_mode)
        self.patient_window = window
        self.idle_watch.stop()
        window.showFullScreen()
        self.hide()

    def _left_patient_mode(self) -> None:
        from explorer.services.audit import AuditAction

        window, self.patient_window = self.patient_window, None
        self.record_audit(AuditAction.PATIENT_MODE_LEFT)
        self.idle_watch.start()
        self.show()
        self.activateWindow()
        self._unlocked_by_pin()  # the PIN was given to leave
        if window is not None:
            window.deleteLater()

    @property
    def in_patient_mode(self) -> bool:
        return self.patient_window is not None
