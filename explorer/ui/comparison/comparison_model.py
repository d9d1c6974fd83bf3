"""The side-by-side comparison: rows are the fixed questions, columns the treatments (2–6)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from explorer.domain.comparison import (
    MAX_COLUMNS,
    ROWS,
    Cell,
    Row,
    build_cell,
    difference,
    plain_text,
    row_label,
)
from explorer.domain.models import Treatment
from explorer.ui.comparison.catalog_model import TREATMENT_MIME
from explorer.ui.comparison.cell_html import cell_html
from explorer.ui.window.style import as_is

_Index = QModelIndex | QPersistentModelIndex
DIFFERENCE_THRESHOLD = 0.5


class ComparisonTableModel(QAbstractTableModel):
    """Treatments as columns under one fixed set of rows (:data:`ROWS`).

    ``CellRole`` gives the domain :class:`Cell`, ``HtmlRole`` its rich text and
    ``DifferenceRole`` how much the row differs across columns (0–1).
    """

    CellRole = Qt.ItemDataRole.UserRole
    HtmlRole = Qt.ItemDataRole.UserRole + 1
    DifferenceRole = Qt.ItemDataRole.UserRole + 2
    SlugRole = Qt.ItemDataRole.UserRole + 3

    sig_comparison_changed = Signal(list)
    sig_refused = Signal(str)

    def __init__(
        self, resolve: Callable[[str], Treatment | None] | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self._resolve = resolve or (lambda _slug: None)
        self._treatments: list[Treatment] = []
        self._condition: str | None = None
        self._condition_names: Mapping[str, str] = {}
        self._plain_condition_names: Mapping[str, str] = {}
        self._plain = False
        self._cells: list[list[Cell]] = []
        self._differences: list[float] = []

    # --- state -------------------------------------------------------------------------
    def set_resolver(self, resolve: Callable[[str], Treatment | None]) -> None:
        self._resolve = resolve

    def set_condition_names(
        self, names: Mapping[str, str], plain_names: Mapping[str, str] | None = None
    ) -> None:
        self._condition_names = dict(names)
        self._plain_condition_names = dict(plain_names or {})
        self._rebuild()

    def set_condition(self, condition: str | None) -> None:
        if condition != self._condition:
            self._condition = condition
            self._rebuild()

    def set_plain(self, plain: bool) -> None:
        if plain != self._plain:
            self._plain = plain
            self._rebuild()

    @property
    def plain(self) -> bool:
        return self._plain

    @property
    def condition(self) -> str | None:
        return self._condition

    def slugs(self) -> list[str]:
        return [t.slug for t in self._treatments]

    def treatment(self, column: int) -> Treatment:
        return self._treatments[column]

    def treatments(self) -> list[Treatment]:
        return list(self._treatments)

    def cell(self, row: int, column: int) -> Cell:
        return self._cells[row][column]

    def name_of(self, treatment: Treatment) -> str:
        """The column's name in the current wording (the plain name in plain mode)."""
        return plain_text(treatment.plain_name) if self._plain else treatment.name

    def can_add(self) -> bool:
        return len(self._treatments) < MAX_COLUMNS

    # --- editing -----------------------------------------------------------------------
    def add(self, treatment: Treatment, position: int | None = None) -> bool:
        """Add a column; refuses duplicates and a seventh column (with ``sig_refused``)."""
        if treatment.slug in self.slugs():
            self.sig_refused.emit(f"{self.name_of(treatment)} is already in the comparison.")
            return False
        if not self.can_add():
            self.sig_refused.emit(
                f"The comparison holds at most {MAX_COLUMNS} treatments; remove one first."
            )
            return False
        column = (
            len(self._treatments)
            if position is None
            else max(0, min(position, len(self._treatments)))
        )
        self.beginInsertColumns(QModelIndex(), column, column)
        self._treatments.insert(column, treatment)
        self._cells_insert(column)
        self.endInsertColumns()
        self._refresh_differences()
        self.sig_comparison_changed.emit(self.slugs())
        return True

    def add_slugs(self, slugs: list[str], position: int | None = None) -> int:
        added = 0
        for slug in slugs:
            treatment = self._resolve(slug)
            if treatment is not None and self.add(
                treatment, None if position is None else position + added
            ):
                added += 1
        return added

    def remove(self, column: int) -> None:
        if not 0 <= column < len(self._treatments):
            return
        self.beginRemoveColumns(QModelIndex(), column, column)
        del self._treatments[column]
        for cells in self._cells:
            del cells[column]
        self.endRemoveColumns()
        self._refresh_differences()
        self.sig_comparison_changed.emit(self.slugs())

    def clear(self) -> None:
        if not self._treatments:
            return
        self.beginResetModel()
        self._treatments = []
        self._cells = [[] for _ in ROWS]
        self._differences = [0.0 for _ in ROWS]
        self.endResetModel()
        self.sig_comparison_changed.emit(self.slugs())

    def move(self, column: int, to: int) -> bool:
        """Move a column to position ``to``; returns False when out of range."""
        count = len(self._treatments)
        if not (0 <= column < count and 0 <= to < count) or column == to:
            return False
        destination = to + 1 if to > column else to  # Qt counts before the move
        self.beginMoveColumns(QModelIndex(), column, column, QModelIndex(), destination)
        self._treatments.insert(to, self._treatments.pop(column))
        for cells in self._cells:
            cells.insert(to, cells.pop(column))
        self.endMoveColumns()
        self.sig_comparison_changed.emit(self.slugs())
        return True

    def set_slugs(self, slugs: list[str]) -> None:
        """Replace the whole comparison (restoring a saved one); unknown slugs are skipped."""
        found = [t for t in (self._resolve(s) for s in slugs[:MAX_COLUMNS]) if t is not None]
        self.beginResetModel()
        self._treatments = found
        self._build_cells()
        self.endResetModel()
        self.sig_comparison_changed.emit(self.slugs())

    # --- derived cells -------------------------------------------------------------------
    def _make(self, treatment: Treatment, row: Row) -> Cell:
        return build_cell(
            treatment,
            row,
            condition=self._condition,
            plain=self._plain,
            condition_names=self._condition_names,
            plain_condition_names=self._plain_condition_names,
        )

    def _cells_insert(self, column: int) -> None:
        if not self._cells:
            self._cells = [[] for _ in ROWS]
        for r, row in enumerate(ROWS):
            self._cells[r].insert(column, self._make(self._treatments[column], row))

    def _build_cells(self) -> None:
        self._cells = [[self._make(t, row) for t in self._treatments] for row in ROWS]
        self._differences = [difference(cells) for cells in self._cells]

    def _refresh_differences(self) -> None:
        new = [difference(cells) for cells in self._cells]
        if new != self._differences:
            self._differences = new
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(ROWS) - 1)

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._build_cells()
        self.endResetModel()

    # --- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ROWS)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._treatments)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(ROWS) and 0 <= column < len(self._treatments)):
            return None
        cell = self._cells[row][column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell.text
        if role == self.CellRole:
            return cell
        if role == self.HtmlRole:
            return cell_html(cell, column=column, row=row)
        if role == self.DifferenceRole:
            return self._differences[row] if row < len(self._differences) else 0.0
        if role == self.SlugRole:
            return self._treatments[column].slug
        if role == Qt.ItemDataRole.ToolTipRole and cell.sources:
            return "Press Enter or click a badge to see where this comes from"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._treatments):
                return None
            treatment = self._treatments[section]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return self.name_of(treatment)
            if role == Qt.ItemDataRole.ToolTipRole and self._plain:
                return f"Last checked {treatment.last_reviewed:%d %B %Y}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return as_is(f"{treatment.category} · reviewed {treatment.last_reviewed:%d %b %Y}")
            if role == self.SlugRole:
                return treatment.slug
            return None
        if not 0 <= section < len(ROWS):
            return None
        differs = (
            section < len(self._differences) and self._differences[section] >= DIFFERENCE_THRESHOLD
        )
        if role == Qt.ItemDataRole.DisplayRole:
            label = row_label(ROWS[section], plain=self._plain)
            return f"◆ {label}" if differs else label
        if role == Qt.ItemDataRole.FontRole and differs:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and differs:
            return "The treatments differ most in this row"
        if role == self.DifferenceRole:
            return self._differences[section] if section < len(self._differences) else 0.0
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDropEnabled if not index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [TREATMENT_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def canDropMimeData(self, data: QMimeData, action, row, column, parent) -> bool:
        return data.hasFormat(TREATMENT_MIME) and self.can_add()

    def dropMimeData(self, data: QMimeData, action, row, column, parent) -> bool:
        if not data.hasFormat(TREATMENT_MIME):
            return False
        slugs = [s for s in bytes(data.data(TREATMENT_MIME).data()).decode().split("\n") if s]
        position = column if column >= 0 else (parent.column() if parent.isValid() else None)
        return self.add_slugs(slugs, position) > 0
