"""The treatment catalog as a Qt table model over domain ``TreatmentSummary`` objects."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from explorer.domain.models import TreatmentSummary

_COLUMNS = ("Treatment", "Category", "Approach", "Invasiveness")
_Index = QModelIndex | QPersistentModelIndex


class CatalogTableModel(QAbstractTableModel):
    """Read-only rows of the catalog; ``Qt.UserRole`` gives the treatment's slug."""

    SlugRole = Qt.ItemDataRole.UserRole

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[TreatmentSummary] = []

    def set_treatments(self, rows: list[TreatmentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, row.category, row.approach.value, row.invasiveness.value)[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.plain_summary or None
        if role == self.SlugRole:
            return row.slug
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_COLUMNS)
        ):
            return _COLUMNS[section]
        return None
