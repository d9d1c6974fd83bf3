"""Clinician mode in the window: the clinic database, the clinician lock, the audit log and
the way into patient mode.

Clinician mode starts locked when a PIN exists (first start asks for one). Locked, the
Consult tab shows only a PIN field, no consult is open, and the audit log and preferences
ask for the PIN; the knowledge base stays browsable. It locks again after the idle period
(default 5 minutes), on File → Lock, and on entering patient mode.

:class:`ClinicModeController` owns this state; the state itself (open database, lock, PIN,
audit) is :class:`explorer.services.clinic_session.ClinicSession`, reached through the
operations layer so that a slow server never freezes the window. The controller talks to
the window through its ``sig_*`` signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QObject, Signal

from explorer.errors import UserFacingError
from explorer.ui.clinic.lock_hides import close_dialogs_of, forget_clipboard
from explorer.ui.window.style import as_is

if TYPE_CHECKING:
    from explorer.services.audit import AuditAction
    from explorer.services.clinic_session import ClinicSession
    from explorer.store.backend import Backend
    from explorer.ui.clinic.consult_panel import ConsultPanel
    from explorer.ui.window.operations import Op, Operations
    from explorer.ui.window.settings import UiSettings

log = logging.getLogger(__name__)

# explorer.ui.clinic.pin_lock is imported where it is used: this module loads before the
# first paint, and the access widgets (and their Qt enums) are needed only after it.

Submit = Callable[[str, str], tuple[str, int] | None]


class ClinicModeController(QObject):
    """Clinician mode of one window: opens the clinic database, locks and unlocks, asks for
    the PIN, records the audit log. ``window`` parents its dialogs and the Consult tab."""

    sig_status = Signal(str, int)
    """A status bar message and how long it shows (ms)."""
    sig_dialog = Signal(object)
    """A dialog for the window to open (window-modal, deleted on close)."""
    sig_opened = Signal()
    """The clinic database is open (the daily backup may run)."""
    sig_restore_offered = Signal(object)
    """The clinic database is damaged: offer its newest good backup."""
    sig_clinician_named = Signal(str)
    """The first-start PIN dialog asked for the clinician's name."""
    sig_patient_mode = Signal(bool)
    """Patient mode began (hide the window) or ended (show it again)."""

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        *,
        backend: Backend,
        settings: UiSettings,
        consult: ConsultPanel,
        operations: Operations,
    ) -> None:
        super().__init__(window)
        from explorer.ui.clinic.pin_lock import IdleWatch, LockPage

        self._window = window
        self._backend = backend
        self._settings = settings
        self._ops = operations
        self.consult = consult
        self.session: ClinicSession | None = None
        self._opening: Op | None = None
        self._after_unlock: Callable[[], None] | None = None
        self.patient_window: QtWidgets.QWidget | None = None
        self.consult_lock = LockPage(window)
        self.consult_tab = QtWidgets.QStackedWidget(window)
        self.consult_tab.setAccessibleName("Consult")
        self.consult_tab.addWidget(self.consult_lock)
        self.consult_tab.addWidget(consult)
        self.idle_watch = IdleWatch(settings.clinician_lock_minutes * 60, self)
        self.idle_watch.sig_idle.connect(lambda: self.lock("idle"))
        self.consult_lock.text.setText("Opening the clinic's consult records…")
        consult.set_operations(operations)

    # --- state ---------------------------------------------------------------------------------
    @property
    def unlocked(self) -> bool:
        return self.session is not None and self.session.unlocked

    @property
    def is_open(self) -> bool:
        return self.session is not None

    @property
    def in_patient_mode(self) -> bool:
        return self.patient_window is not None

    def clinician_name(self) -> str:
        return self._settings.clinician or self.consult.clinician.text()

    def set_clinician(self, name: str) -> None:
        self._settings.clinician = name
        if self.session is not None:
            self.session.clinician = name

    # --- opening the clinic database ---------------------------------------------------------
    def open_later(self) -> None:
        """Open the clinic database on a worker thread (migrations, a verified backup, the
        server connection); the Consult tab says so meanwhile."""
        if self.session is not None or self._opening is not None:
            return
        from explorer.services.clinic_session import ClinicSession

        backend, clinician = self._backend, self.clinician_name()
        self._opening = self._ops.run(
            lambda: ClinicSession.open(backend, clinician=clinician),
            self._opened,
            on_error=self._open_failed,
            write=True,
            busy_text="Opening the clinic's consult records…",
        )

    def open_now(self) -> bool:
        """Open the clinic database and wait for it; whether it is open."""
        self.open_later()
        if self._opening is not None:
            self._ops.wait(self._opening)
        return self.session is not None

    def _opened(self, session: ClinicSession) -> None:
        self._opening = None
        if self.session is not None:  # opened twice (a retry raced the first): keep one
            session.close()
            return
        self.session = session
        self.consult.set_service(session.consults)
        self.show_lock_page()
        if not session.has_pin():
            QtCore.QTimer.singleShot(0, self._first_start_pin)
        self.sig_opened.emit()

    def _open_failed(self, exc: Exception) -> None:
        from explorer.services.clinic_db import ClinicDatabaseProblem

        self._opening = None
        self.consult_lock.heading.setText("Consults unavailable")
        self.consult_lock.text.setText(str(exc))
        if isinstance(exc, ClinicDatabaseProblem):
            if exc.restorable:  # what is wrong, where, and the newest good backup
                self.sig_restore_offered.emit(exc)
            else:  # full, read-only, forbidden: fixed where the data lives, not by a restore
                icon = QtWidgets.QMessageBox.Icon.Critical
                title = "Consults unavailable"
                box = QtWidgets.QMessageBox(icon, title, str(exc), parent=self._window)
                self.sig_dialog.emit(box)
            return
        QtWidgets.QMessageBox.critical(self._window, "Consults unavailable", as_is(str(exc)))

    def close_database(self) -> None:
        """Save what is on screen and close the clinic database (before a restore, on close)
        once every call queued on it (audit writes, reads) has ended."""
        if self.consult.service is not None:
            self.consult.save_now()
        self._ops.wait()
        self.consult.set_service(None)
        session, self.session = self.session, None
        if session is not None:
            session.close()

    # --- audit -----------------------------------------------------------------------------
    def record_audit(self, action: AuditAction, detail: str = "") -> None:
        """Add ``action`` to the audit log (on the write queue). When the database refuses
        (server unreachable, disk full, upgraded by a newer version), what was asked still
        happens — a lock must always lock — and the status bar says it was not recorded."""
        session = self.session
        if session is None:
            return

        def refused(exc: Exception) -> None:
            log.warning("audit event %r not recorded: %s", action.value, exc)
            self.sig_status.emit(f"Not recorded in the audit log: {exc}", 20_000)

        self._ops.run(lambda: session.record(action, detail), on_error=refused, write=True)

    # --- PIN -------------------------------------------------------------------------------
    def _write_now(self, call: Callable[[], object], busy_text: str) -> object:
        """``call()`` on the write queue (after the writes queued before it), waited for:
        a PIN check counts attempts and is audited, so it is a write. Its exception, if
        any, is raised here, as if it had been called here."""

        def guarded() -> tuple[bool, object]:
            try:
                return True, call()
            except Exception as exc:  # noqa: BLE001 - raised again on the caller's thread
                return False, exc

        outcome: list[tuple[bool, object]] = []
        op = self._ops.run(guarded, outcome.append, write=True, busy_text=busy_text)
        self._ops.wait(op)
        if not outcome:
            raise UserFacingError("The clinic database did not answer in time; try again.")
        ok, value = outcome[0]
        if not ok:
            assert isinstance(value, Exception)
            raise value
        return value

    def check_submit(self, purpose: str) -> Submit:
        """A PinForm ``submit`` that checks the PIN for ``purpose`` (audited)."""

        def submit(pin: str, _confirmation: str) -> tuple[str, int] | None:
            session = self.session
            if session is None:
                return "The clinic database is closed; try again.", 0
            try:
                result = self._write_now(
                    lambda: session.check_pin(pin, purpose), "Checking the PIN…"
                )
            except UserFacingError as exc:  # the database cannot be written (server, disk)
                return f"The PIN could not be checked. {exc}", 0
            return None if result.ok else (result.message, result.wait_seconds)

        return submit

    def set_submit(self) -> Submit:
        from explorer.ui.clinic.pin_lock import set_pin_submit

        def set_pin(pin: str, confirmation: str) -> None:
            session = self.session
            assert session is not None
            self._write_now(lambda: session.set_pin(pin, confirmation), "Setting the PIN…")

        return set_pin_submit(set_pin)

    def show_lock_page(self) -> None:
        from explorer.ui.clinic.pin_lock import PinForm

        if self.session is None:
            return
        if self.session.has_pin():
            form = PinForm(self.check_submit("unlock"), setting=False, button_text="&Unlock")
            heading = "Consult notes are locked"
            text = (
                "Enter the clinician PIN to see consults and notes. They lock again after "
                f"{self._settings.clinician_lock_minutes:g} minutes without use."
            )
        else:
            form = PinForm(self.set_submit(), setting=True, button_text="&Set PIN")
            heading = "Set a clinician PIN"
            text = (
                "Consult notes are health information. Choose a PIN of at least 4 "
                "characters: it unlocks the notes and ends patient mode."
            )
        form.sig_accepted.connect(self.unlocked_by_pin)
        self.consult_lock.show_form(form, heading, text)
        self.consult_tab.setCurrentWidget(self.consult_lock)

    def _first_start_pin(self) -> None:
        from explorer.ui.clinic.pin_lock import PinDialog

        if self.session is None or self.session.has_pin() or self.unlocked:
            return
        dialog = PinDialog(
            "Welcome: set a clinician PIN",
            "Consult notes are health information and stay on this PC. Choose a clinician "
            "PIN (at least 4 characters). It unlocks the notes after a pause and ends "
            "patient mode. Only a salted hash of it is stored.",
            self.set_submit(),
            setting=True,
            button_text="&Set PIN",
            parent=self._window,
            ask_name=None if self._settings.clinician.strip() else self.sig_clinician_named.emit,
        )
        dialog.accepted.connect(self.unlocked_by_pin)
        self.sig_dialog.emit(dialog)

    def unlocked_by_pin(self) -> None:
        """The PIN was given: show the consults, then do what was waiting for it."""
        from explorer.services.audit import AuditAction

        if self.session is None:
            return
        if self.session.unlock():
            self.record_audit(AuditAction.CLINICIAN_UNLOCKED)
        self.consult.set_locked(False)
        self.idle_watch.touch()
        self.consult_tab.setCurrentWidget(self.consult)
        if self.consult_lock.form is not None:
            self.consult_lock.form.reset()
        then, self._after_unlock = self._after_unlock, None
        if then is not None:
            then()

    def with_unlock(self, action: Callable[[], None], purpose: str) -> None:
        """Run ``action`` now if unlocked, else after the PIN is given."""
        from explorer.ui.clinic.pin_lock import PinDialog

        if self.unlocked:
            action()
            return
        if not self.open_now() or self.session is None:
            return
        self._after_unlock = action
        if not self.session.has_pin():
            self._first_start_pin()
            return
        dialog = PinDialog(
            "Clinician PIN",
            f"Enter the clinician PIN to {purpose}.",
            self.check_submit(purpose),
            setting=False,
            button_text="&Unlock",
            parent=self._window,
        )
        dialog.accepted.connect(self.unlocked_by_pin)
        dialog.rejected.connect(self._forget_after_unlock)
        self.sig_dialog.emit(dialog)

    def _forget_after_unlock(self) -> None:
        self._after_unlock = None

    def lock(self, reason: str = "by hand") -> None:
        """Save, close the open consult and hide notes, history and the audit log."""
        from explorer.services.audit import AuditAction

        private = self.consult.private_texts()
        self.consult.set_locked(True)
        was_unlocked = self.session is not None and self.session.lock()
        close_dialogs_of(self._window)
        forget_clipboard(private)
        self.show_lock_page()
        if was_unlocked:  # on the write queue: an unreachable server does not hold the lock
            self.record_audit(AuditAction.CLINICIAN_LOCKED, detail=reason)

    # --- audit log ------------------------------------------------------------------------------
    def show_audit_log(self) -> None:
        self.with_unlock(self._show_audit_log_now, "see the audit log")

    def _show_audit_log_now(self) -> None:
        from explorer.ui.clinic.audit_dialog import AuditDialog

        assert self.session is not None
        self._ops.wait()  # the events still on the write queue (this unlock's) are shown too
        self.sig_dialog.emit(AuditDialog(self.session.audit, self.clinician_name, self._window))

    # --- patient mode -----------------------------------------------------------------------------
    def enter_patient_mode(self, make_window: Callable[[Submit], QtWidgets.QWidget]) -> None:
        """Lock clinician mode and show ``make_window(leave_check)`` full screen; the PIN
        (``leave_check``) ends it. A PIN is set first when there is none."""
        from explorer.services.audit import AuditAction

        if not self.open_now() or self.session is None:
            return
        if not self.session.has_pin():  # patient mode needs a PIN to end it
            self._after_unlock = lambda: self.enter_patient_mode(make_window)
            self._first_start_pin()
            return
        self.lock("patient mode")
        self.record_audit(AuditAction.PATIENT_MODE_ENTERED)
        window = make_window(self.check_submit("leave patient mode"))
        window.sig_left.connect(self._left_patient_mode)
        self.patient_window = window
        self.idle_watch.stop()
        window.showFullScreen()
        self.sig_patient_mode.emit(True)

    def _left_patient_mode(self) -> None:
        from explorer.services.audit import AuditAction

        window, self.patient_window = self.patient_window, None
        self.record_audit(AuditAction.PATIENT_MODE_LEFT)
        self.idle_watch.start()
        self.sig_patient_mode.emit(False)
        self.unlocked_by_pin()  # the PIN was given to leave
        if window is not None:
            window.deleteLater()
