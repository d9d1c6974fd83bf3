"""The comparison table and its controls: remove, reorder, details, baseline column."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.comparison import BASELINE_SLUG, MAX_COLUMNS
from explorer.ui.comparison.comparison_model import DIFFERENCE_THRESHOLD, ComparisonTableModel
from explorer.ui.comparison.rich_delegate import RichTextDelegate
from explorer.ui.window.style import esc

COLUMN_WIDTH = 300
MIN_COLUMN_CHARS = 28  # narrowest readable column, in average characters


class ComparisonTableView(QTableView):
    """Accepts treatments dropped from the catalog; Enter opens the current cell's sources."""

    sig_cell_activated = Signal(QModelIndex)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.sig_cell_activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event) -> None:
        if self.model() and event.mimeData().hasFormat(self.model().mimeTypes()[0]):
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if self.model() and event.mimeData().hasFormat(self.model().mimeTypes()[0]):
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        model = self.model()
        if model is None:
            return
        index = self.indexAt(event.position().toPoint())
        column = index.column() if index.isValid() else -1
        if model.dropMimeData(
            event.mimeData(), Qt.DropAction.CopyAction, -1, column, QModelIndex()
        ):
            event.acceptProposedAction()


class _DifferenceTint(RichTextDelegate):
    """Tints the rows whose cells differ most, when highlighting is on."""

    def __init__(self, parent=None) -> None:
        super().__init__(ComparisonTableModel.HtmlRole, parent)
        self.highlight = True

    def initStyleOption(self, option, index) -> None:
        QStyledItemDelegate.initStyleOption(self, option, index)
        difference = index.data(ComparisonTableModel.DifferenceRole) or 0.0
        if self.highlight and difference >= DIFFERENCE_THRESHOLD:
            base = option.palette.color(QPalette.ColorRole.Base)
            light = base.lightness() > 128
            tint = QColor(255, 200, 60) if light else QColor(150, 110, 20)
            tint.setAlpha(60 if light else 110)
            option.backgroundBrush = QBrush(tint)


class ComparisonPanel(QWidget):
    """Right pane, first tab: the side-by-side comparison."""

    sig_cell_activated = Signal(QModelIndex)
    sig_link_activated = Signal(QModelIndex, str)
    sig_details_requested = Signal(str)
    sig_baseline_requested = Signal()

    def __init__(self, model: ComparisonTableModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self._row_heights_timer = QTimer(self)
        self._row_heights_timer.setSingleShot(True)
        self._row_heights_timer.setInterval(0)
        self._row_heights_timer.timeout.connect(self._measure_row_heights)
        self.view = ComparisonTableView(self)
        self.view.setModel(model)
        self.view.setAccessibleName("Treatment comparison")
        # Tab leaves the table (arrow keys move inside it): full keyboard use.
        self.view.setTabKeyNavigation(False)
        self.view.setWordWrap(True)
        self.view.setCornerButtonEnabled(False)
        corner = self.view.findChild(QAbstractButton, "qt_tableview_cornerbutton")
        if corner is not None:
            corner.setAccessibleName("Table corner")
        self.view.setAcceptDrops(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.delegate = _DifferenceTint(self.view)
        self.view.setItemDelegate(self.delegate)
        header = self.view.horizontalHeader()
        # Treatment names wrap onto two lines instead of being cut at both ends.
        header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value)
        )
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(COLUMN_WIDTH)
        header.setMinimumSectionSize(160)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        )

        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setToolTip("Remove the selected treatment from the comparison")
        self.remove_button.setAccessibleName("Remove from comparison")
        self.left_button = QPushButton("Move &left", self)
        self.left_button.setAccessibleName("Move left")
        self.right_button = QPushButton("Move ri&ght", self)
        self.right_button.setAccessibleName("Move right")
        self.details_button = QPushButton("&Details…", self)
        self.details_button.setAccessibleName("Treatment details")
        self.baseline_button = QPushButton("Add &watchful waiting", self)
        self.baseline_button.setToolTip(
            "Add watchful waiting / staying active as a baseline column"
        )
        self.baseline_button.setAccessibleName("Add watchful waiting as baseline")
        self.highlight = QCheckBox("&Highlight differences", self)
        self.highlight.setChecked(True)
        self.highlight.setAccessibleName("Highlight differences")
        controls = QHBoxLayout()
        for widget in (
            self.remove_button,
            self.left_button,
            self.right_button,
            self.details_button,
            self.baseline_button,
        ):
            controls.addWidget(widget)
        controls.addStretch()

        self.hint = QLabel(
            f"Add 2 to {MAX_COLUMNS} treatments from the catalog to compare them side by side: "
            "double-click one, press Enter, drag it here, or use “Add to comparison”. "
            "Watchful waiting is always available as a baseline.",
            self,
        )
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("How to add treatments")

        self.caption = QLabel(self)
        self.caption.setAccessibleName("Comparison scope")
        self.caption.setWordWrap(True)

        scope = QHBoxLayout()
        scope.addWidget(self.caption, 1)
        scope.addWidget(self.highlight)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(scope)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)

        self.remove_button.clicked.connect(self.remove_current)
        self.left_button.clicked.connect(lambda: self.move_current(-1))
        self.right_button.clicked.connect(lambda: self.move_current(+1))
        self.details_button.clicked.connect(self._on_details)
        self.baseline_button.clicked.connect(self.sig_baseline_requested)
        self.highlight.toggled.connect(self._on_highlight_toggled)
        self.delegate.sig_link_activated.connect(self.sig_link_activated)
        self.view.sig_cell_activated.connect(self.sig_cell_activated)
        self.view.doubleClicked.connect(self.sig_cell_activated)
        for signal in (
            model.modelReset,
            model.columnsInserted,
            model.columnsRemoved,
            model.columnsMoved,
            model.headerDataChanged,
        ):
            signal.connect(self._update_state)
        header.sectionResized.connect(self.schedule_row_heights)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self._update_state()

    def set_caption(self, condition_name: str | None) -> None:
        scope = condition_name or "all conditions (each finding names its condition)"
        self.caption.setText(f"Evidence shown for: <b>{esc(scope)}</b>")

    def fit_columns(self) -> None:
        """Share the width between the columns; scroll only when each would be too narrow."""
        count = self.model.columnCount()
        if not count:
            return
        available = self.view.viewport().width()
        chars = self.fontMetrics().averageCharWidth()
        width = max(MIN_COLUMN_CHARS * chars, available // count)
        header = self.view.horizontalHeader()
        metrics = header.fontMetrics()
        lines = 1
        for column in range(count):
            header.resizeSection(column, width)
            name = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            lines = max(lines, -(-metrics.horizontalAdvance(name) // max(1, width - 16)))
        # Tall enough for the longest wrapped name (at most three lines, then elided).
        header.setFixedHeight(min(3, lines + 1) * metrics.lineSpacing() + 10)
        self.schedule_row_heights()

    def schedule_row_heights(self, *_args) -> None:
        """Re-measure row heights once, after the current burst of changes.

        Measuring lays out every cell's rich text; column resizes, condition and wording
        changes arrive in bursts, so they share one measurement on the next event loop turn.
        """
        self._row_heights_timer.start()

    def _measure_row_heights(self) -> None:
        self.view.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def current_column(self) -> int:
        index = self.view.currentIndex()
        if index.isValid():
            return index.column()
        return self.model.columnCount() - 1 if self.model.columnCount() else -1

    def remove_current(self) -> None:
        column = self.current_column()
        if column >= 0:
            self.model.remove(column)

    def move_current(self, delta: int) -> None:
        column = self.current_column()
        row = max(0, self.view.currentIndex().row())
        if column >= 0 and self.model.move(column, column + delta):
            self.view.setCurrentIndex(self.model.index(row, column + delta))

    def select_column(self, column: int) -> None:
        if 0 <= column < self.model.columnCount():
            self.view.setCurrentIndex(self.model.index(0, column))

    def _on_details(self) -> None:
        column = self.current_column()
        if column >= 0:
            self.sig_details_requested.emit(self.model.treatment(column).slug)

    def _on_highlight_toggled(self, on: bool) -> None:
        self.delegate.highlight = on
        self.view.viewport().update()

    def _update_state(self, *_args) -> None:
        count = self.model.columnCount()
        self.hint.setVisible(count < 2)
        self.baseline_button.setEnabled(
            BASELINE_SLUG not in self.model.slugs() and self.model.can_add()
        )
        self.fit_columns()
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        count = self.model.columnCount()
        column = self.current_column()
        self.remove_button.setEnabled(count > 0)
        self.details_button.setEnabled(count > 0)
        self.left_button.setEnabled(count > 1 and column > 0)
        self.right_button.setEnabled(count > 1 and 0 <= column < count - 1)
