"""Saving the open consult through the operations layer, without losing a keystroke.

One save at a time, on the write queue: while a save is in flight the clinician keeps
typing, and when it ends the newer text is saved next. :meth:`ConsultSaver.save_now` is
for the places that must know before going on (lock, close, another consult): it waits for
the save in flight and saves what is left.

When a save fails (disk full, data in use, a newer version elsewhere) the typed text stays
on screen, the status says so, a message says what happened once per kind of failure, and
the next change or focus change tries again. A consult saved in another window since it
was opened here is offered to be saved as a separate consult: both texts are kept.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from explorer.errors import ConsultConflict, UserFacingError
from explorer.ui.window.style import as_is

if TYPE_CHECKING:
    from explorer.domain.consult import Consult
    from explorer.ui.clinic.consult_panel import ConsultPanel
    from explorer.ui.window.operations import Op, Operations


class ConsultSaver(QObject):
    """Saves ``panel``'s open consult; see the module's docstring."""

    def __init__(self, panel: ConsultPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self._ops: Operations | None = None
        self._in_flight: Op | None = None
        self._answering = False  # a message box's focus change must not save inside it
        self._failure = ""  # the last save failure shown, so a retry does not show it again
        self._last_ok = True

    def set_operations(self, operations: Operations) -> None:
        self._ops = operations

    @property
    def operations(self) -> Operations:
        if self._ops is None:  # a panel on its own (tests): its own runner
            from explorer.ui.window.operations import Operations

            self._ops = Operations(self._panel)
        return self._ops

    def idle(self) -> bool:
        """Whether no save is in flight."""
        return self._in_flight is None

    def _unsaved(self) -> Consult | None:
        panel = self._panel
        current = panel.current()
        if current is None or panel.service is None or current == panel.consult:
            return None
        return current

    def save_soon(self) -> None:
        """Save on the write queue if anything changed (the autosave, a focus change)."""
        self._panel.stop_autosave()
        if self._in_flight is not None or self._answering:
            return  # the save in flight saves the newer text next
        current = self._unsaved()
        if current is not None:
            self._start(current)

    def save_now(self) -> bool:
        """Wait for the save in flight, then save what is left; whether everything on
        screen is saved."""
        self._panel.stop_autosave()
        if self._answering:
            return False
        waited = False
        while self._in_flight is not None:
            waited = True
            if not self.operations.wait(self._in_flight):
                return False  # still running after the bound: not known to be saved
        if waited and not self._last_ok:
            return False  # just failed, said so; the next change tries again
        current = self._unsaved()
        if current is None:
            return True
        op = self._start(current)
        self.operations.wait(op)
        if self._last_ok:
            self._panel.refresh_history()  # now: the caller goes on with the history
        return self._last_ok and self._unsaved() is None

    def _start(self, current: Consult) -> Op:
        service = self._panel.service
        assert service is not None
        self._in_flight = op = self.operations.run(
            lambda: service.save(current),
            self._saved,
            on_error=lambda exc: self._failed(current, exc),
            write=True,
            busy_text="Saving the consult…",
        )
        return op

    def _saved(self, saved: Consult) -> None:
        panel = self._panel
        self._in_flight = None
        self._last_ok = True
        self._failure = ""
        if panel.consult is None or panel.consult.id != saved.id:
            return  # another consult was opened meanwhile (it waited for this save)
        panel.consult = saved
        panel.sig_consult_changed.emit(saved)
        panel.refresh_history_soon()
        if self._unsaved() is None:
            panel.status.setText(f"Saved {dt.datetime.now():%H:%M:%S}")
        elif not panel.autosave_pending():
            self.save_soon()  # typed while it was saving: the newer text now

    def _failed(self, current: Consult, exc: Exception) -> None:
        self._in_flight = None
        self._last_ok = False
        self._answering = True
        try:
            if isinstance(exc, ConsultConflict):
                self._last_ok = self._resolve_conflict(current, exc)
            else:
                self._say_not_saved(exc)
        finally:
            self._answering = False

    def _say_not_saved(self, exc: Exception) -> None:
        from explorer.store.problems import SchemaChanged

        changed = isinstance(exc, SchemaChanged)
        self._panel.status.setText(
            "Not saved: update this PC; your text is kept"
            if changed
            else "Not saved: your text is kept; saved again at your next change"
        )
        if str(exc) != self._failure:
            self._failure = str(exc)
            then = (
                "Your text stays on screen. When you close the window, it offers to keep "
                "the text in a file; then update this PC."
                if changed
                else "Your text stays on screen and is saved again at your next change."
            )
            QMessageBox.warning(self._panel, "Consult not saved", as_is(f"{exc}\n\n{then}"))

    def _resolve_conflict(self, mine: Consult, exc: UserFacingError) -> bool:
        """Another window saved this consult since it was opened here: keep both texts."""
        panel = self._panel
        panel.status.setText("Not saved: changed in another window; your text is kept")
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Consult changed elsewhere", as_is(str(exc)), parent=panel
        )
        box.setInformativeText(
            "Save what is on this screen as a separate consult (a follow-up of this one)? "
            "The version saved in the other window stays as it is, so both texts are kept."
        )
        copy = box.addButton("Save mine as a separate consult", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(copy)
        box.exec()
        if box.clickedButton() is not copy or panel.locked or panel.service is None:
            return False
        try:
            saved = panel.service.save_as_copy(panel.current() or mine)
        except UserFacingError as error:
            QMessageBox.warning(panel, "Consult not saved", as_is(str(error)))
            return False
        self._failure = ""
        panel.show_consult(saved)
        panel.status.setText(f"Saved as a separate consult {dt.datetime.now():%H:%M:%S}")
        panel.refresh_history()
        return True
