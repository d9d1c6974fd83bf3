"""Backups and restores in the window, and what it offers when a database cannot be opened.

- The daily backup runs on a worker thread once the clinic database is open (after the
  comparison is on screen), so it never delays the start.
- File → Back up now makes a verified backup (audited); File → Restore from backup… asks
  for the clinician PIN, then offers the backups, newest first.
- A damaged, foreign or locked ``clinic.sqlite`` is shown with what is wrong and where, and
  the newest good backup is offered; restoring it asks for the clinician PIN that the chosen
  backup holds (the current file's cannot be read), as File → Restore from backup… asks for
  the current one. A full, read-only or forbidden disk or folder is named as such, and no
  restore is offered for it (the file on it is intact). A damaged ``knowledge.sqlite`` is
  offered a rebuild from the shipped content. The bad file is kept aside, renamed, either way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QObject, Signal

from explorer.ui.style import as_is

log = logging.getLogger(__name__)


class _BackupSignals(QObject):
    """Carries a worker thread's result to the GUI thread."""

    sig_done = Signal(object, object, bool)  # Backup | None, error text | None, manual


DAILY_CHECK_MS = 60 * 60 * 1000


class BackupActions:
    """Mixed into :class:`explorer.ui.main_window.MainWindow`."""

    def _build_backup(self) -> None:
        self._backup_signals = _BackupSignals(self)
        self._backup_signals.sig_done.connect(self._on_backup_done)
        self._backup_thread: threading.Thread | None = None
        self._daily_checked = False
        self.restore_dialog = None
        self.last_backup_message = ""

    # --- backing up -------------------------------------------------------------------------
    def _on_server(self) -> bool:
        return self.backend.uses_server

    def _tell_server_backups(self) -> bool:
        """On a shared server, backups are the server's: say so (True) instead of copying."""
        if not self._on_server():
            return False
        QtWidgets.QMessageBox.information(
            self, "Backups on the server", self.backend.server_backups()
        )
        return True

    def start_daily_backup(self) -> None:
        """The first start of the day backs up the clinic database; a window left open
        overnight checks again every hour (the check is one folder listing)."""
        if self.data_dir is None or self._on_server():
            return
        if not self._daily_checked:
            self._daily_checked = True
            self._daily_timer = QtCore.QTimer(self)
            self._daily_timer.setInterval(DAILY_CHECK_MS)
            self._daily_timer.timeout.connect(self._daily_if_due)
            self._daily_timer.start()
        self._daily_if_due()

    def _daily_if_due(self) -> None:
        from explorer.services.backup import daily_backup, daily_backup_due

        data_dir = self.data_dir
        if data_dir is None or self.access is None or not daily_backup_due(self.backend):
            return  # no clinic database open (damaged, restoring), or done today
        backend = self.backend
        self._run_backup(lambda: daily_backup(backend), manual=False)

    def back_up_now(self) -> None:
        """File → Back up now."""
        if self._tell_server_backups() or not self.open_clinic():
            return
        from explorer.services.backup import MANUAL, make_backup

        self.statusBar().showMessage("Backing up the clinic data…")
        backend = self.backend
        self._run_backup(lambda: make_backup(backend, MANUAL), manual=True)

    def _run_backup(self, job: Callable[[], object], *, manual: bool) -> None:
        from explorer.errors import UserFacingError

        self.wait_for_backup()
        signals = self._backup_signals

        def run() -> None:
            try:
                made = job()
            except UserFacingError as exc:
                log.exception("backup failed")
                signals.sig_done.emit(None, str(exc), manual)
                return
            except Exception as exc:  # reported to the user; the traceback goes to the log
                log.exception("unexpected error during backup")
                signals.sig_done.emit(
                    None, f"No backup was made (unexpected error: {exc}).", manual
                )
                return
            signals.sig_done.emit(made, None, manual)

        self._backup_thread = threading.Thread(target=run, name="clinic-backup")
        self._backup_thread.start()

    def wait_for_backup(self, timeout: float = 60.0) -> None:
        """Let a running backup finish (before a restore, on close, in tests)."""
        thread = self._backup_thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)

    def _on_backup_done(self, made, error: str | None, manual: bool) -> None:
        from explorer.services.audit import AuditAction

        if error is not None:
            self.last_backup_message = error
            self.statusBar().showMessage("Backup failed", 10_000)
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Warning, "Backup failed", as_is(error), parent=self
            )
            self._open(box)
            return
        if made is None:
            return  # already backed up today
        if manual:
            self.record_audit(AuditAction.BACKUP_MADE, detail=made.path.name)
        self.last_backup_message = f"Clinic data backed up and verified: {made.path}"
        if made.note:  # fewer consults than an earlier backup: say so, even for the daily one
            self.last_backup_message += f"\n\n{made.note}"
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Warning,
                "Backup holds fewer consults",
                self.last_backup_message,
                parent=self,
            )
            self._open(box)
            return
        # The daily backup is quiet (a short note, no path); the one asked for says where.
        self.statusBar().showMessage(
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
                parent=self,
            )
            self._open(box)

    # --- restoring --------------------------------------------------------------------------
    def restore_from_backup(self) -> None:
        """File → Restore from backup… (the PIN first, when the database can be opened)."""
        if self._tell_server_backups():
            return
        self.with_unlock(lambda: self._show_restore_dialog(None), "restore clinic data")

    def offer_restore(self, problem) -> None:
        """The clinic database cannot be opened: say why and where, offer the newest backup."""
        if self.restore_dialog is not None and self.restore_dialog.isVisible():
            return
        self._show_restore_dialog(problem)

    def _show_restore_dialog(self, problem) -> None:
        from explorer.services.backup import list_backups, newest_good_backup
        from explorer.ui.backup_dialogs import RestoreDialog

        assert self.data_dir is not None
        folder = self.backend.backup_dir
        newest = problem.backup if problem is not None else newest_good_backup(self.backend)
        dialog = RestoreDialog(
            list_backups(folder),
            newest,
            folder,
            problem=problem.problem if problem is not None else None,
            locked=bool(problem is not None and problem.locked),
            parent=self,
        )
        dialog.sig_restore.connect(self.restore_with_pin)
        dialog.sig_retry.connect(self.open_clinic)
        self.restore_dialog = dialog
        self._open(dialog)

    def restore_with_pin(self, path: Path) -> None:
        """Restore ``path`` once the clinician PIN is given: the current one when unlocked,
        else (the clinic database cannot be opened) the one in the backup ``path``, which
        applies once it is restored. A backup without a PIN has none to ask."""
        if self.unlocked:
            self.restore_file(path)
            return
        opened = self._access_of_backup(path)
        if opened is None:
            self.restore_file(path)
            return
        access, engine = opened
        from explorer.ui.access import PinDialog

        def submit(pin: str, _confirmation: str) -> tuple[str, int] | None:
            from explorer.errors import UserFacingError

            try:
                result = access.check(pin, clinician=self._clinician_name(), purpose="restore")
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
            parent=self,
        )
        dialog.finished.connect(lambda _result: engine.dispose())  # before the restore
        dialog.accepted.connect(lambda: self.restore_file(path))
        self.pin_dialog = dialog
        self._open(dialog)

    def _access_of_backup(self, path: Path):
        """The PIN of the backup ``path`` (read-only) and its engine, or None when it holds
        none."""
        from explorer.services.access import AccessService
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
        self.wait_for_backup()
        if self.access is not None:
            self.lock_clinician("restore from backup")
        clinician = self._clinician_name()
        self._close_clinic()
        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            restored = restore_clinic(self.backend, path, clinician=clinician)
        except UserFacingError as exc:
            log.warning("restore from %s failed: %s", path, exc)
            QtWidgets.QApplication.restoreOverrideCursor()
            self.open_clinic()  # nothing was changed: the consults come back (locked)
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Warning, "Not restored", as_is(str(exc)), parent=self
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
        self.statusBar().showMessage("Clinic data restored from a backup", 10_000)
        self.open_clinic()
        self._open(
            QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Information, "Restored", as_is(text), parent=self
            )
        )
        return True

    def _close_clinic(self) -> None:
        self.clinic.close_database()

    # --- the knowledge base -----------------------------------------------------------------
    def offer_rebuild(self, problem) -> None:
        """A damaged knowledge base: say why and where, offer to rebuild it."""
        self.build()
        self._loading.setText(f"The knowledge base could not be opened.\n\n{problem.problem}")
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Critical,
            "Knowledge base damaged",
            as_is(
                f"{problem.problem}\n\nThe knowledge base holds only the reference content "
                "shipped with the application (no consults), so it can be rebuilt. The damaged "
                "file is kept beside it, renamed knowledge.sqlite.damaged-<date and time>."
            ),
            parent=self,
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
        from explorer.ui.loader import KnowledgeLoader

        assert self.data_dir is not None
        self._loading.setText("Rebuilding the knowledge base from the shipped content…")
        loader = KnowledgeLoader(
            self.backend, prefetch=self.settings.comparison, rebuild_damaged=True
        )
        loader.setParent(self)
        loader.sig_loaded.connect(self.show_knowledge)
        loader.sig_failed.connect(self.show_error)
        self.rebuild_loader = loader
        loader.start()
