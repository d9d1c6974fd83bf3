"""The consult history beside the editor: search by label, condition or date; open,
follow-up, delete with undo. Empty while clinician mode is locked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.errors import UserFacingError
from explorer.ui.window.style import as_is

if TYPE_CHECKING:
    from explorer.domain.consult import Consult
    from explorer.ui.clinic.consult_panel import ConsultPanel


class ConsultHistory(QWidget):
    """The history side of a :class:`~explorer.ui.clinic.consult_panel.ConsultPanel`."""

    def __init__(self, panel: ConsultPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self._deleted: int | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search by label, condition or date (YYYY-MM-DD)")
        self.search.setAccessibleName("Search consults")
        self.history = QListWidget(self)
        self.history.setAccessibleName("Consult history")
        self.reopen_button = QPushButton("&Open", self)
        self.follow_button = QPushButton("&Follow-up", self)
        self.delete_button = QPushButton("De&lete…", self)
        self.undo_button = QPushButton("&Undo delete", self)
        self.undo_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("History", self))
        layout.addWidget(self.search)
        layout.addWidget(self.history, 1)
        buttons = QHBoxLayout()
        for button in (
            self.reopen_button,
            self.follow_button,
            self.delete_button,
            self.undo_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.search.textChanged.connect(self.refresh)
        self.reopen_button.clicked.connect(self._open_selected)
        self.history.itemActivated.connect(lambda _item: self._open_selected())
        self.follow_button.clicked.connect(self._follow_up)
        self.delete_button.clicked.connect(self._delete)
        self.undo_button.clicked.connect(self._undo)

    def reset(self) -> None:
        """Cleared search, no undo (on lock and unlock), then the history again."""
        self.search.clear()
        self._deleted = None
        self.undo_button.setEnabled(False)
        self.refresh()

    def refresh(self, *_args) -> None:
        panel = self._panel
        if panel.service is None or panel.locked:
            self.history.clear()
            return
        self._fill(panel.service.search(self.search.text()))

    def refresh_soon(self) -> None:
        """Refresh the history on a worker thread (after an autosave: the server may be
        slow, and the clinician is typing)."""
        panel = self._panel
        service, text = panel.service, self.search.text()
        if service is None or panel.locked:
            return

        def fill(consults: list[Consult]) -> None:
            if panel.service is service and not panel.locked and self.search.text() == text:
                self._fill(consults)

        panel.operations.run(lambda: service.search(text), fill, on_error=lambda _e: None)

    def _fill(self, consults: list[Consult]) -> None:
        selected = self._selected_id()
        self.history.clear()
        for consult in consults:
            label = consult.patient_label or "(no label)"
            text = f"{consult.consult_date:%Y-%m-%d} · {label} · {consult.condition or 'all'}"
            item = QListWidgetItem(text, self.history)
            item.setData(Qt.ItemDataRole.UserRole, consult.id)
            if consult.id == selected:
                self.history.setCurrentItem(item)

    def _selected_id(self) -> int | None:
        item = self.history.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _open_selected(self) -> None:
        panel = self._panel
        consult_id = self._selected_id()
        if consult_id is not None and panel.save_now():
            try:
                panel.show_consult(panel.service.open(consult_id))
            except UserFacingError as exc:
                if getattr(exc, "writes_refused", False) and self._show_to_read(consult_id):
                    return
                QMessageBox.warning(panel, "Consult not opened", as_is(str(exc)))
                self.refresh()

    def _show_to_read(self, consult_id: int) -> bool:
        """Opening is audited, which is a write; a database that refuses writes (full disk,
        upgraded by a newer version) can still be read: show the consult, and say so."""
        panel = self._panel
        try:
            consult = panel.service.get(consult_id)
        except UserFacingError:
            return False
        if consult is None:
            return False
        panel.show_consult(consult)
        panel.status.setText("Opened to read; not in the audit log (the database refuses changes)")
        return True

    def _follow_up(self) -> None:
        panel = self._panel
        consult_id = self._selected_id() or (panel.consult.id if panel.consult else None)
        if consult_id is not None and panel.save_now():
            panel.show_consult(panel.service.duplicate_as_follow_up(consult_id))
            self.refresh()

    def _delete(self) -> None:
        panel = self._panel
        consult_id = self._selected_id()
        if consult_id is None:
            return
        answer = QMessageBox.question(
            panel, "Delete consult", "Delete this consult? You can undo right after."
        )
        if answer != QMessageBox.StandardButton.Yes or panel.locked:
            return  # not confirmed, or clinician mode locked while the question was open
        panel.service.delete(consult_id)
        self._deleted = consult_id
        self.undo_button.setEnabled(True)
        if panel.consult is not None and panel.consult.id == consult_id:
            panel.show_consult(None)
        self.refresh()

    def _undo(self) -> None:
        panel = self._panel
        if self._deleted is not None:
            panel.service.undo_delete(self._deleted)
            self._deleted = None
            self.undo_button.setEnabled(False)
            self.refresh()
