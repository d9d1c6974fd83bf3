"""The treatment catalog: a Qt table model over the domain catalog index, filtered in place."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from explorer.domain.catalog import CatalogIndex, CatalogQuery
from explorer.domain.comparison import (
    BASELINE_SLUG,
    BASELINE_SUMMARY,
    evidence_summary,
    plain_text,
)
from explorer.domain.models import TreatmentSummary
from explorer.ui.window.style import as_is

TREATMENT_MIME = "application/x-spine-explorer-treatments"
_COLUMNS = ("Treatment", "Best evidence", "Approach", "Invasiveness")
_PLAIN_COLUMNS = ("Treatment", "Studies say", "Approach", "Invasiveness")
EVIDENCE_TIP = (
    "The highest GRADE certainty of any finding for this condition, and what those findings say"
)
PLAIN_EVIDENCE_TIP = "How sure the studies are for this problem, and what they found"
_Index = QModelIndex | QPersistentModelIndex


class CatalogTableModel(QAbstractTableModel):
    """Rows of the catalog that match the current query; ``SlugRole`` gives each row's slug."""

    SlugRole = Qt.ItemDataRole.UserRole
    CertaintyRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._index = CatalogIndex([])
        self._visible: list[int] = []
        self._query = CatalogQuery()
        self._plain = False

    # --- content ---------------------------------------------------------------------
    def set_treatments(self, rows: list[TreatmentSummary], glossary=()) -> None:
        self.beginResetModel()
        self._index = CatalogIndex(rows, glossary)
        self._visible = self._index.filter(self._query)
        self.endResetModel()

    def set_query(self, query: CatalogQuery) -> None:
        """Apply a new query; a no-op when nothing changed (cheap on every keystroke)."""
        visible = self._index.filter(query)
        condition_changed = query.condition != self._query.condition
        self._query = query
        if visible == self._visible and not condition_changed:
            return
        self.beginResetModel()
        self._visible = visible
        self.endResetModel()

    @property
    def plain(self) -> bool:
        return self._plain

    def set_plain(self, plain: bool) -> None:
        if plain == self._plain:
            return
        self._plain = plain
        if self.rowCount():  # names and evidence words
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(_COLUMNS) - 1)

    @property
    def query(self) -> CatalogQuery:
        return self._query

    @property
    def total(self) -> int:
        return len(self._index)

    def summary(self, row: int) -> TreatmentSummary:
        return self._index.entries[self._visible[row]]

    def slugs(self) -> list[str]:
        return [self._index.entries[i].slug for i in self._visible]

    def row_of(self, slug: str) -> int:
        for row, i in enumerate(self._visible):
            if self._index.entries[i].slug == slug:
                return row
        return -1

    # --- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        entry = self._index.entries[self._visible[index.row()]]
        column = index.column()
        name = plain_text(entry.plain_name) if self._plain else entry.name
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return name
            if column == 1:
                if entry.slug == BASELINE_SLUG:
                    return BASELINE_SUMMARY[1 if self._plain else 0]
                condition = self._query.condition
                return evidence_summary(
                    entry.certainty_for(condition),
                    entry.directions_for(condition),
                    plain=self._plain,
                )
            if column == 2:
                return entry.approach.value
            return entry.invasiveness.value
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return PLAIN_EVIDENCE_TIP if self._plain else EVIDENCE_TIP
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._plain:  # the category and vocabulary words are clinician wording
                return as_is(f"{name}\n{plain_text(entry.plain_summary)}")
            kind = f"{entry.name}\n{entry.category} · {entry.approach.value} · "
            kind += entry.invasiveness.value
            return as_is(f"{kind}\n{entry.plain_summary}" if entry.plain_summary else kind)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return name
        if role == self.SlugRole:
            return entry.slug
        if role == self.CertaintyRole:
            return entry.certainty_for(self._query.condition)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_COLUMNS)
        ):
            return (_PLAIN_COLUMNS if self._plain else _COLUMNS)[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [TREATMENT_MIME]

    def mimeData(self, indexes) -> QMimeData:
        slugs: list[str] = []
        for index in indexes:
            slug = self.data(index, self.SlugRole)
            if slug and slug not in slugs:
                slugs.append(slug)
        mime = QMimeData()
        mime.setData(TREATMENT_MIME, "\n".join(slugs).encode())
        mime.setText(", ".join(slugs))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction
