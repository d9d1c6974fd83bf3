"""The clinic side of the main window: the clinic database, the clinician lock, consults,
the audit log and the way into patient mode.

Clinician mode starts locked when a PIN exists (first start asks for one). Locked, the
Consult tab shows only a PIN field, no consult is open, and the audit log and preferences
ask for the PIN; the knowledge base stays browsable. It locks again after the idle period
(default 5 minutes), on File → Lock, and on entering patient mode.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtWidgets
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from explorer.ui.access import IdleWatch, PinDialog, PinForm, set_pin_submit


class LockPage(QWidget):
    """What the Consult tab shows while locked: a PIN field (or, before any PIN exists, the
    form that sets one)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Consults locked")
        self._box = QWidget(self)
        self._box.setFixedWidth(34 * self.fontMetrics().averageCharWidth() + 200)
        self.heading = QLabel(self._box)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.text = QLabel(self._box)
        self.text.setWordWrap(True)
        self.form: PinForm | None = None
        self._inner = QVBoxLayout(self._box)
        self._inner.addWidget(self.heading)
        self._inner.addWidget(self.text)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self._box, 0, QtCore.Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def show_form(self, form: PinForm, heading: str, text: str) -> None:
        if self.form is not None:
            self.form.deleteLater()
        self.form = form
        form.setParent(self._box)
        self._inner.addWidget(form)
        self.heading.setText(heading)
        self.text.setText(text)


class ClinicMode:
    """Mixed into :class:`explorer.ui.main_window.MainWindow`."""

    # --- opening the clinic database ---------------------------------------------------------
    def _build_clinic(self) -> None:
        """Called from ``build``: the Consult tab's lock page and the idle watch."""
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
            self._clinic_stores = open_clinic_store(self.data_dir)
        except ClinicDatabaseProblem as exc:
            self.consult_lock.heading.setText("Consults unavailable")
            self.consult_lock.text.setText(str(exc))
            self.offer_restore(exc)  # what is wrong, where, and the newest good backup
            return False
        except UserFacingError as exc:
            self.consult_lock.heading.setText("Consults unavailable")
            self.consult_lock.text.setText(str(exc))
            QtWidgets.QMessageBox.critical(self, "Consults unavailable", str(exc))
            return False
        engine = self._clinic_stores.clinic
        self.access = AccessService(engine)
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

    # --- PIN ----------------------------------------------------------------------------------
    def _check_submit(self, purpose: str) -> Callable[[str, str], tuple[str, int] | None]:
        def submit(pin: str, _confirmation: str) -> tuple[str, int] | None:
            assert self.access is not None
            result = self.access.check(pin, clinician=self._clinician_name(), purpose=purpose)
            return None if result.ok else (result.message, result.wait_seconds)

        return submit

    def _set_submit(self) -> Callable[[str, str], tuple[str, int] | None]:
        def set_pin(pin: str, confirmation: str) -> None:
            assert self.access is not None
            self.access.set_pin(pin, confirmation, clinician=self._clinician_name())

        return set_pin_submit(set_pin)

    def _show_lock_page(self) -> None:
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
        )
        dialog.accepted.connect(self._unlocked_by_pin)
        self.pin_dialog = dialog
        self._open(dialog)

    def _unlocked_by_pin(self) -> None:
        from explorer.services.audit import AuditAction

        if not self.unlocked and self.audit is not None:
            self.audit.record(AuditAction.CLINICIAN_UNLOCKED, self._clinician_name())
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
        self.consult.set_locked(True)
        if self.consult.service is not None:
            self.consult.service.end_editing()
        if self._dialog is not None and getattr(self._dialog, "clinic_data", False):
            self._dialog.close()
        was_unlocked, self.unlocked = self.unlocked, False
        self._show_lock_page()
        if was_unlocked and self.audit is not None:
            self.audit.record(AuditAction.CLINICIAN_LOCKED, self._clinician_name(), detail=reason)

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
        if self._dialog is not None:
            self._dialog.close()
        assert self.audit is not None
        self.audit.record(AuditAction.PATIENT_MODE_ENTERED, self._clinician_name())
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
        if self.audit is not None:
            self.audit.record(AuditAction.PATIENT_MODE_LEFT, self._clinician_name())
        self.idle_watch = IdleWatch(self.settings.clinician_lock_minutes * 60, self)
        self.idle_watch.sig_idle.connect(lambda: self.lock_clinician("idle"))
        self.show()
        self.activateWindow()
        self._unlocked_by_pin()  # the PIN was given to leave
        if window is not None:
            window.deleteLater()

    @property
    def in_patient_mode(self) -> bool:
        return self.patient_window is not None
