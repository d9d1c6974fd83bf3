"""Filters, search-as-you-type and the catalog list, with an explained empty state."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.catalog import CatalogQuery, explain_empty
from explorer.domain.vocab import Approach, Certainty, Invasiveness
from explorer.ui.comparison.catalog_model import CatalogTableModel

_CERTAINTY_CHOICES: list[tuple[str, Certainty | None]] = [
    ("Any evidence", None),
    ("Very low or better", Certainty.VERY_LOW),
    ("Low or better", Certainty.LOW),
    ("Moderate or better", Certainty.MODERATE),
    ("High", Certainty.HIGH),
]


class CatalogTableView(QTableView):
    """The catalog list: Enter adds the current treatment (double-click does too)."""

    sig_activated = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.sig_activated.emit()
            return
        super().keyPressEvent(event)


class CatalogPanel(QWidget):
    """Left pane: search, filters, the catalog and its "Add to comparison" button."""

    sig_add_requested = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._condition: str | None = None
        self._condition_name: str | None = None
        self.model = CatalogTableModel(self)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search treatments (name, how it works, other names)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search treatments")
        self.min_certainty = QComboBox(self)
        # Item data holds the enum's string value: Qt would turn a StrEnum into a str anyway.
        for label, value in _CERTAINTY_CHOICES:
            self.min_certainty.addItem(label, value.value if value else None)
        self.min_certainty.setAccessibleName("Minimum certainty")
        self.approach = QComboBox(self)
        self.approach.addItem("Any approach", None)
        for approach in Approach:
            self.approach.addItem(approach.value.capitalize(), approach.value)
        self.approach.setAccessibleName("Approach")
        self.invasiveness = QComboBox(self)
        self.invasiveness.addItem("Any", None)
        for level in Invasiveness:
            self.invasiveness.addItem(level.value.capitalize(), level.value)
        self.invasiveness.setAccessibleName("Invasiveness")

        filters = self.filters = QFormLayout()
        filters.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget in (
            ("Minimum &certainty", self.min_certainty),
            ("A&pproach", self.approach),
            ("&Invasiveness", self.invasiveness),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            filters.addRow(label, widget)

        self.view = CatalogTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Treatment catalog")
        # Tab leaves the table (arrow keys move inside it): full keyboard use.
        self.view.setTabKeyNavigation(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        # Two text lines per row, fixed: long names wrap instead of being cut, and no
        # per-row height computation slows filtering of a large catalog.
        self.view.setWordWrap(True)
        self.view.verticalHeader().hide()
        line = self.view.fontMetrics().lineSpacing()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(2 * line + 10)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # A fixed evidence column: sizing it to its contents would measure hundreds of rows
        # on every keystroke; its text wraps onto the row's two lines instead.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 18 * self.fontMetrics().averageCharWidth())
        # Approach and invasiveness are filters above and in each row's tooltip; the
        # narrow pane keeps its width for treatment names.
        self.view.setColumnHidden(2, True)
        self.view.setColumnHidden(3, True)

        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)  # the search text, a name
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clear_button = QPushButton("&Clear filters", self)
        self.clear_button.setAccessibleName("Clear filters")
        empty = QWidget(self)
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch()
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(empty)

        self.add_button = QPushButton("&Add to comparison", self)
        self.add_button.setAccessibleName("Add to comparison")
        self.count_label = QLabel(self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.add_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)

        self.search.textChanged.connect(self._on_filters_changed)
        for combo in (self.min_certainty, self.approach, self.invasiveness):
            combo.currentIndexChanged.connect(self._on_filters_changed)
        self.clear_button.clicked.connect(self.clear_filters)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.view.doubleClicked.connect(lambda _index: self._on_add_clicked())
        self.view.sig_activated.connect(self._on_add_clicked)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_list)
        self._update_state()

    # --- public -------------------------------------------------------------------------
    def set_condition(self, condition: str | None, name: str | None) -> None:
        self._condition, self._condition_name = condition, name
        self._on_filters_changed()

    def set_simple(self, simple: bool) -> None:
        """Patient mode: only the search box and the list (no filter vocabulary)."""
        for row in range(self.filters.rowCount()):
            self.filters.setRowVisible(row, not simple)
        if simple:
            self.clear_filters()

    def query(self) -> CatalogQuery:
        approach = self.approach.currentData()
        level = self.invasiveness.currentData()
        certainty = self.min_certainty.currentData()
        return CatalogQuery(
            condition=self._condition,
            min_certainty=Certainty(certainty) if certainty else None,
            approaches=frozenset({Approach(approach)}) if approach else frozenset(),
            invasiveness=frozenset({Invasiveness(level)}) if level else frozenset(),
            text=self.search.text(),
        )

    def clear_filters(self) -> None:
        for combo in (self.min_certainty, self.approach, self.invasiveness):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.clear()  # emits textChanged → one refresh
        self._on_filters_changed()
        self.search.setFocus()

    def selected_slugs(self) -> list[str]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return [self.model.summary(row).slug for row in rows]

    # --- slots --------------------------------------------------------------------------
    def _on_filters_changed(self, *_args) -> None:
        self.model.set_query(self.query())
        self._update_state()

    def _on_add_clicked(self) -> None:
        slugs = self.selected_slugs()
        if slugs:
            self.sig_add_requested.emit(slugs)

    def _focus_list(self) -> None:
        if self.model.rowCount():
            self.view.setFocus()
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _update_state(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count_label.setText(f"{shown} of {total} treatments" if total else "")
        if shown == 0 and total:
            query = self.model.query
            text = explain_empty(query, self._condition_name)
            if query.has_filters:
                text += " Clear the filters to see every option."
            self.empty_label.setText(text)
            self.clear_button.setVisible(query.has_filters)
            self.stack.setCurrentIndex(1)
        else:
            self.stack.setCurrentIndex(0)
        self.add_button.setEnabled(shown > 0)
