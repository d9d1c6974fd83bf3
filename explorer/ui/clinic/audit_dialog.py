"""File → Audit log (clinician mode only): every consult opened, edited, exported, deleted,
and patient mode entered and left, newest first; exportable as CSV for the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes
from explorer.services.audit import AuditAction, AuditEvent, AuditLog, events_csv
from explorer.ui.window.style import as_is

_Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("When (local time)", "Action", "Clinician", "PC", "Consult", "Detail")


class AuditTableModel(QAbstractTableModel):
    def __init__(self, events: list[AuditEvent], parent=None) -> None:
        super().__init__(parent)
        self.events = events

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        e = self.events[index.row()]
        local = e.at.replace(tzinfo=dt.UTC).astimezone()
        values = (
            f"{local:%Y-%m-%d %H:%M:%S}",
            e.action,
            e.clinician or "(no name set)",
            e.workstation,
            "" if e.consult_id is None else str(e.consult_id),
            e.detail,
        )
        return values[index.column()]

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _HEADERS[section]
        return None


class AuditDialog(QDialog):
    clinic_data = True  # closed when clinician mode locks

    def __init__(
        self, log: AuditLog, clinician: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        self._log = log
        self._clinician = clinician
        self.model = AuditTableModel(log.events(), self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Audit log")
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        note = QLabel(
            "Append-only: entries cannot be changed or removed. Times are this PC's local "
            "time (stored in UTC). No note text is recorded here.",
            self,
        )
        note.setWordWrap(True)
        self.export_button = QPushButton("&Export CSV…", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.export_button.clicked.connect(self.export_csv)
        self.resize(900, 520)

    def export_csv(self) -> Path | None:
        name = f"audit-log {dt.date.today():%Y-%m-%d}.csv"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export the audit log", str(Path.home() / name), "CSV file (*.csv)"
        )
        if not chosen:
            return None
        path = Path(chosen) if chosen.lower().endswith(".csv") else Path(chosen + ".csv")
        try:
            atomic_write_bytes(path, events_csv(self._log.events()).encode("utf-8-sig"))
        except UserFacingError as exc:
            QMessageBox.warning(self, "Export failed", as_is(str(exc)))
            return None
        self._log.record(AuditAction.AUDIT_EXPORTED, self._clinician(), detail=path.name)
        return path
