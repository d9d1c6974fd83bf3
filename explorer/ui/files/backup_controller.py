"""Backups and restores, and what the window offers when a database cannot be opened.

- The daily backup runs through the operations layer once the clinic database is open
  (after the comparison is on screen), so it never delays the start.
- File → Back up now makes a verified backup (audited); File → Restore from backup… asks
  for the clinician PIN, then offers the backups, newest first.
- A damaged, foreign or locked ``clinic.sqlite`` is shown with what is wrong and where, and
  the newest good backup is offered; restoring it asks for the clinician PIN that the chosen
  backup holds (the current file's cannot be read), as File → Restore from backup… asks for
  the current one. A full, read-only or forbidden disk or folder is named as such, and no
  restore is offered for it (the file on it is intact). A damaged ``knowledge.sqlite`` is
  offered a rebuild from the shipped content. The bad file is kept aside, renamed, either way.

:class:`BackupController` owns that state and talks to the window through its ``sig_*``
signals; the clinic database itself (open, lock, PIN, audit) is the clinic side's, reached
through the small :class:`Clinic` interface.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QObject, Signal

from explorer.ui.window.style import as_is

if TYPE_CHECKING:
    from explorer.services.audit import AuditAction
    from explorer.store.backend import Backend
    from explorer.ui.window.operations import Op, Operations
    from explorer.ui.window.settings import UiSettings

log = logging.getLogger(__name__)

DAILY_CHECK_MS = 60 * 60 * 1000


class Clinic(Protocol):
    """What backups need of the clinic side."""

    @property
    def is_open(self) -> bool: ...
    @property
    def unlocked(self) -> bool: ...
    def clinician_name(self) -> str: ...
    def open_now(self) -> bool: ...
    def with_unlock(self, action: Callable[[], None], purpose: str) -> None: ...
    def lock(self, reason: str) -> None: ...
    def close_database(self) -> None: ...
    def record_audit(self, action: AuditAction, detail: str = "") -> None: ...


class BackupController(QObject):
    """Backups, restores and the knowledge base rebuild of one window.

    ``sig_status(text, ms)`` asks for a status bar message; ``sig_dialog(dialog)`` for a
    dialog to be opened (the window keeps one open at a time); ``sig_loading_text(text)``
    for the loading page's text; ``sig_knowledge_loaded(service, snapshot)`` and
    ``sig_knowledge_failed(message)`` report a rebuilt knowledge base.
    """

    sig_status = Signal(str, int)
    sig_dialog = Signal(object)
    sig_loading_text = Signal(str)
    sig_knowledge_loaded = Signal(object, object)
    sig_knowledge_failed = Signal(str)

    def __init__(
        self,
        window: QtWidgets.QWidget,
        *,
        backend: Backend,
        settings: UiSettings,
        operations: Operations,
        clinic: Clinic,
    ) -> None:
        super().__init__(window)
        self._window = window  # the parent of the dialogs
        self.backend = backend
        self.data_dir = backend.data_dir
        self._settings = settings
        self._operations = operations
        self._clinic = clinic
        self._backup_op: Op | None = None
        self.daily_timer: QtCore.QTimer | None = None  # the hourly check, once started
        self.restore_dialog: QtWidgets.QDialog | None = None
        self.last_backup_message = ""

    def _open(self, dialog: QtWidgets.QWidget) -> None:
        self.sig_dialog.emit(dialog)

    # --- backing up -------------------------------------------------------------------------
    def _tell_server_backups(self) -> bool:
        """On a shared server, backups are the server's: say so (True) instead of copying."""
        if not self.backend.uses_server:
            return False
        QtWidgets.QMessageBox.information(
            self._window, "Backups on the server", self.backend.server_backups()
        )
        return True

    def start_daily(self) -> None:
        """The first start of the day backs up the clinic database; a window left open
        overnight checks again every hour (the check is one folder listing)."""
        if self.data_dir is None or self.backend.uses_server:
            return
        if self.daily_timer is None:
            self.daily_timer = QtCore.QTimer(self)
            self.daily_timer.setInterval(DAILY_CHECK_MS)
            self.daily_timer.timeout.connect(self.back_up_if_due)
            self.daily_timer.start()
        self.back_up_if_due()

    def back_up_if_due(self) -> None:
        """Make today's backup unless it is made (the hourly check)."""
        from explorer.services.backup import daily_backup, daily_backup_due

        if self.data_dir is None or not self._clinic.is_open:
            return  # no clinic database open (damaged, restoring)
        if not daily_backup_due(self.backend):
            return  # done today
        backend = self.backend
        self._run_backup(lambda: daily_backup(backend), manual=False)

    def back_up_now(self) -> None:
        """File → Back up now."""
        if self._tell_server_backups() or not self._clinic.open_now():
            return
        from explorer.services.backup import MANUAL, make_backup

        self.sig_status.emit("Backing up the clinic data…", 0)
        backend = self.backend
        self._run_backup(lambda: make_backup(backend, MANUAL), manual=True)

    def _run_backup(self, job: Callable[[], Any], *, manual: bool) -> None:
        from explorer.errors import UserFacingError

        self.wait()

        def guarded() -> Any:
            try:
                return job()
            except UserFacingError:
                log.exception("backup failed")
                raise
            except Exception as exc:  # reported to the user; the traceback goes to the log
                log.exception("unexpected error during backup")
                raise UserFacingError(f"No backup was made (unexpected error: {exc}).") from exc

        self._backup_op = self._operations.run(
            guarded,
            lambda made: self._on_backup_done(made, None, manual),
            on_error=lambda exc: self._on_backup_done(None, str(exc), manual),
        )

    def wait(self) -> None:
        """Let a running backup finish and report (before a restore, on close, in tests)."""
        op, self._backup_op = self._backup_op, None
        if op is not None and not op.finished:
            self._operations.wait(op, timeout_ms=60_000)

    def _on_backup_done(self, made, error: str | None, manual: bool) -> None:
        from explorer.services.audit import AuditAction

        if error is not None:
            self.last_backup_message = error
            self.sig_status.emit("Backup failed", 10_000)
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Warning,
                "Backup failed",
                as_is(error),
                parent=self._window,
            )
            self._open(box)
            return
        if made is None:
            return  # already backed up today
        if manual:
            self._clinic.record_audit(AuditAction.BACKUP_MADE, detail=made.path.name)
        self.last_backup_message = f"Clinic data backed up and verified: {made.path}"
        if made.note:  # fewer consults than an earlier backup: say so, even for the daily one
            self.last_backup_message += f"\n\n{made.note}"
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Warning,
                "Backup holds fewer consults",
                self.last_backup_message,
                parent=self._window,
            )
            self._open(box)
            return
        # The daily backup is quiet (a short note, no path); the one asked for says where.
        self.sig_status.emit(
            self.last_backup_message if manual else "Today's backup of the clinic data is made",
            10_000 if manual else 4_000,
        )
        if manual:
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Information,
                "Backed up",
                as_is(
                    f"The clinic data was backed up and the copy verified:\n{made.path}\n\n"
                    "Copy the backups folder elsewhere too (a USB disk or the PC's own backup)."
                ),
                parent=self._window,
            )
            self._open(box)

    # --- restoring --------------------------------------------------------------------------
    def restore_from_backup(self) -> None:
        """File → Restore from backup… (the PIN first, when the database can be opened)."""
        if self._tell_server_backups():
            return
        self._clinic.with_unlock(lambda: self._show_restore_dialog(None), "restore clinic data")

    def offer_restore(self, problem) -> None:
        """The clinic database cannot be opened: say why and where, offer the newest backup."""
        if self.restore_dialog is not None and self.restore_dialog.isVisible():
            return
        self._show_restore_dialog(problem)

    def _show_restore_dialog(self, problem) -> None:
        from explorer.services.backup import list_backups, newest_good_backup
        from explorer.ui.files.backup_dialogs import RestoreDialog

        assert self.data_dir is not None
        folder = self.backend.backup_dir
        newest = problem.backup if problem is not None else newest_good_backup(self.backend)
        dialog = RestoreDialog(
            list_backups(folder),
            newest,
            folder,
            problem=problem.problem if problem is not None else None,
            locked=bool(problem is not None and problem.locked),
            parent=self._window,
        )
        dialog.sig_restore.connect(self.restore_with_pin)
        dialog.sig_retry.connect(self._clinic.open_now)
        self.restore_dialog = dialog
        self._open(dialog)

    def restore_with_pin(self, path: Path) -> None:
        """Restore ``path`` once the clinician PIN is given: the current one when unlocked,
        else (the clinic database cannot be opened) the one in the backup ``path``, which
        applies once it is restored. A backup without a PIN has none to ask."""
        if self._clinic.unlocked:
            self.restore_file(path)
            return
        opened = self._access_of_backup(path)
        if opened is None:
            self.restore_file(path)
            return
        access, engine = opened
        from explorer.ui.clinic.pin_lock import PinDialog

        def submit(pin: str, _confirmation: str) -> tuple[str, int] | None:
            from explorer.errors import UserFacingError

            try:
                result = access.check(
                    pin, clinician=self._clinic.clinician_name(), purpose="restore"
                )
            except UserFacingError as exc:
                return f"The PIN could not be checked. {exc}", 0
            return None if result.ok else (result.message, result.wait_seconds)

        dialog = PinDialog(
            "Clinician PIN",
            f"Enter the clinician PIN to restore clinic data from {path.name}: the PIN that "
            "was in use when that backup was made.",
            submit,
            setting=False,
            button_text="&Restore",
            parent=self._window,
        )
        dialog.finished.connect(lambda _result: engine.dispose())  # before the restore
        dialog.accepted.connect(lambda: self.restore_file(path))
        self._open(dialog)

    def _access_of_backup(self, path: Path):
        """The PIN of the backup ``path`` (read-only) and its engine, or None when it holds
        none."""
        from explorer.services.pin_service import AccessService
        from explorer.store.backend import file_engine

        assert self.data_dir is not None
        if not path.is_file():
            return None  # restore_file says why it cannot be restored
        engine = file_engine(path, read_only=True)
        access = AccessService(engine, attempts_file=self.data_dir / "pin-attempts.json")
        try:
            if access.has_pin():
                return access, engine
        except Exception as exc:  # noqa: BLE001 - not a clinic database: restore_file refuses it
            log.info("no PIN read from %s: %s", path, exc)
        engine.dispose()
        return None

    def restore_file(self, path: Path) -> bool:
        """Put the backup ``path`` in place of the clinic database and reopen it (locked)."""
        from explorer.errors import UserFacingError
        from explorer.services.clinic_db import restore_clinic

        assert self.data_dir is not None
        self.wait()
        if self._clinic.is_open:
            self._clinic.lock("restore from backup")
        clinician = self._clinic.clinician_name()
        self._clinic.close_database()
        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            restored = restore_clinic(self.backend, path, clinician=clinician)
        except UserFacingError as exc:
            log.warning("restore from %s failed: %s", path, exc)
            QtWidgets.QApplication.restoreOverrideCursor()
            self._clinic.open_now()  # nothing was changed: the consults come back (locked)
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Warning,
                "Not restored",
                as_is(str(exc)),
                parent=self._window,
            )
            self._open(box)
            return False
        QtWidgets.QApplication.restoreOverrideCursor()
        kept = (
            f"\n\nThe file it replaced is kept as {restored.kept_as.name} in {self.data_dir}."
            if restored.kept_as
            else ""
        )
        count = restored.consults
        rebuilt = (
            "\n\nIts damaged indexes were rebuilt from its data (the data itself was intact)."
            if restored.indexes_rebuilt
            else ""
        )
        text = (
            f"The clinic data was restored from {restored.source.name}: "
            f"{count} consult{'s' if count != 1 else ''}.{rebuilt}{kept}\n\nEnter the "
            "clinician PIN that was in use when the backup was made to see the consults."
        )
        self.sig_status.emit("Clinic data restored from a backup", 10_000)
        self._clinic.open_now()
        self._open(
            QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Information,
                "Restored",
                as_is(text),
                parent=self._window,
            )
        )
        return True

    # --- the knowledge base -----------------------------------------------------------------
    def offer_rebuild(self, problem) -> None:  # the window has built its loading page
        """A damaged knowledge base: say why and where, offer to rebuild it."""
        self.sig_loading_text.emit(f"The knowledge base could not be opened.\n\n{problem.problem}")
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Critical,
            "Knowledge base damaged",
            as_is(
                f"{problem.problem}\n\nThe knowledge base holds only the reference content "
                "shipped with the application (no consults), so it can be rebuilt. The damaged "
                "file is kept beside it, renamed knowledge.sqlite.damaged-<date and time>."
            ),
            parent=self._window,
        )
        self.rebuild_button = box.addButton(
            "&Rebuild the knowledge base", QtWidgets.QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton("Not now", QtWidgets.QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.rebuild_button)
        box.buttonClicked.connect(
            lambda button: self.rebuild_knowledge() if button is self.rebuild_button else None
        )
        self._open(box)

    def rebuild_knowledge(self) -> None:
        """Keep the damaged file aside and build a new knowledge base (on the loader thread)."""
        from explorer.ui.window.loader import KnowledgeLoader

        assert self.data_dir is not None
        self.sig_loading_text.emit("Rebuilding the knowledge base from the shipped content…")
        loader = KnowledgeLoader(
            self.backend, prefetch=self._settings.comparison, rebuild_damaged=True
        )
        loader.setParent(self)
        loader.sig_loaded.connect(self.sig_knowledge_loaded)
        loader.sig_failed.connect(self.sig_knowledge_failed)
        self.rebuild_loader = loader
        loader.start()
