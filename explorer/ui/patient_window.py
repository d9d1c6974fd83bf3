"""Patient mode: a separate full-screen window with the knowledge base in plain words.

It is built from the same panels as the clinician's window but holds no reference to the
clinic database: there is no consult, note, history, label, export, print, settings or
file dialog here, no menu bar, and the clinician window's shortcuts belong to that
(hidden) window. Closing it or pressing "Staff: end patient mode" asks for the clinician
PIN. After the idle period it starts over from its welcome screen, forgetting what was
browsed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.comparison import ROWS, Row
from explorer.domain.models import ExplorerSnapshot, Treatment
from explorer.ui.access import IdleWatch, PinDialog
from explorer.ui.glossary_words import words_items_html, words_used_html

PATIENT_POINT_SIZE = 14.0
"""Base type size in patient mode (points); never smaller than this."""

Submit = Callable[[str, str], tuple[str, int] | None]


class PatientWindow(QWidget):
    """``sig_left`` fires once the clinician PIN ended patient mode."""

    sig_left = Signal()

    def __init__(
        self,
        snapshot: ExplorerSnapshot,
        resolve: Callable[[str], Treatment | None],
        *,
        leave_check: Submit,
        idle_minutes: float,
        condition: str | None = None,
        comparison: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("Spine Treatment Explorer — your treatment options")
        self.setObjectName("PatientWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.snapshot = snapshot
        self._resolve = resolve
        self._leave_check = leave_check
        self._leaving = False
        self._dialog: QDialog | None = None
        font = QFont(self.font())
        font.setPointSizeF(max(PATIENT_POINT_SIZE, font.pointSizeF() * 1.4))
        self.setFont(font)
        self._names = {t.slug: t.name for t in snapshot.treatments}
        self._plain_conditions = {c.slug: c.plain_name for c in snapshot.conditions}

        title = QLabel("Your treatment options", self)
        big = QFont(font)
        big.setPointSizeF(font.pointSizeF() * 1.3)
        big.setBold(True)
        title.setFont(big)
        self.condition = QComboBox(self)
        self.condition.setAccessibleName("Your condition")
        self.condition.addItem("All conditions", None)
        for c in snapshot.conditions:
            self.condition.addItem(c.plain_name, c.slug)
        self.start_over_button = QPushButton("Start &over", self)
        self.leave_button = QPushButton("Staff: end patient mode", self)
        self.leave_button.setAccessibleName("End patient mode (clinician PIN)")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        label = QLabel("&Condition:", self)
        label.setBuddy(self.condition)
        header.addWidget(label)
        header.addWidget(self.condition)
        header.addWidget(self.start_over_button)
        header.addWidget(self.leave_button)

        self.stack = QStackedWidget(self)
        self.welcome = self._build_welcome()
        self.stack.addWidget(self.welcome)
        self.browse: _BrowsePage | None = None
        info = snapshot.info
        self.footer = QLabel(
            "This is general information from published studies, last checked on "
            f"{info.last_reviewed:%d %B %Y}. It does not take the place of advice from your "
            "own doctor or nurse.",
            self,
        )
        self.footer.setWordWrap(True)
        self.footer.setAccessibleName("About this information")
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)

        self.condition.currentIndexChanged.connect(self._on_condition_changed)
        self.start_over_button.clicked.connect(self.start_over)
        self.leave_button.clicked.connect(self.ask_to_leave)
        self.idle_watch = IdleWatch(idle_minutes * 60, self, clock=clock)
        self.idle_watch.sig_idle.connect(self.start_over)
        if comparison or condition:
            self.show_browse(condition, list(comparison))

    # --- pages -----------------------------------------------------------------------------
    def _build_welcome(self) -> QWidget:
        page = QWidget(self)
        page.setAccessibleName("Welcome")
        heading = QLabel("Welcome", page)
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * 1.6)
        big.setBold(True)
        heading.setFont(big)
        text = QLabel(
            "Here you can read about treatments for back pain and leg pain that do not need "
            "surgery: what each one is, what studies found, how long it takes and its risks. "
            "Start by choosing what your doctor said you have. If you are not sure, choose "
            "“Show all treatments”.",
            page,
        )
        text.setWordWrap(True)
        text.setFixedWidth(60 * self.fontMetrics().averageCharWidth())
        text.setMinimumHeight(text.heightForWidth(text.width()))
        grid = QGridLayout()
        self.condition_buttons: list[QPushButton] = []
        choices = [(c.plain_name, c.slug) for c in self.snapshot.conditions]
        choices.append(("Show all treatments", None))
        for i, (name, slug) in enumerate(choices):
            button = QPushButton(name, page)
            button.setMinimumHeight(3 * self.fontMetrics().height())
            button.clicked.connect(lambda _=False, s=slug: self.show_browse(s, []))
            grid.addWidget(button, i // 2, i % 2)
            self.condition_buttons.append(button)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(heading, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(self.fontMetrics().height())
        layout.addLayout(grid)
        layout.addStretch(2)
        return page

    def show_browse(self, condition: str | None, comparison: list[str]) -> None:
        """The catalog and the comparison for ``condition``, starting with ``comparison``."""
        if self.browse is None:
            self.browse = _BrowsePage(self)
            self.browse.sig_details.connect(self.show_details)
            self.browse.sig_provenance.connect(self._show_provenance)
            self.stack.addWidget(self.browse)
        index = max(0, self.condition.findData(condition)) if condition else 0
        self.condition.blockSignals(True)
        self.condition.setCurrentIndex(index)
        self.condition.blockSignals(False)
        self.browse.set_condition(self.condition.currentData(), self.condition.currentText())
        self.browse.model.set_slugs(comparison)
        self.stack.setCurrentWidget(self.browse)

    def _on_condition_changed(self, _index: int) -> None:
        if self.browse is None:
            self.show_browse(self.condition.currentData(), [])
        else:
            self.browse.set_condition(self.condition.currentData(), self.condition.currentText())
            self.stack.setCurrentWidget(self.browse)

    def start_over(self) -> None:
        """Back to the welcome screen; everything browsed is forgotten (idle or by hand)."""
        self._close_dialog()
        if self.browse is not None:
            self.stack.removeWidget(self.browse)
            self.browse.deleteLater()
            self.browse = None
        self.condition.blockSignals(True)
        self.condition.setCurrentIndex(0)
        self.condition.blockSignals(False)
        self.stack.setCurrentWidget(self.welcome)
        self.idle_watch.touch()

    # --- dialogs ---------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> None:
        self._close_dialog()
        dialog.setFont(self.font())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog = dialog
        dialog.open()

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            with contextlib.suppress(RuntimeError):  # already deleted
                dialog.close()

    def show_details(self, slug: str) -> None:
        from explorer.ui.detail_dialog import TreatmentDetailDialog

        treatment = self._resolve(slug)
        if treatment is None:
            return
        names = {c.slug: c.plain_name for c in self.snapshot.conditions}
        dialog = TreatmentDetailDialog(
            treatment, names, plain=True, kb_version=self.snapshot.info.kb_version, parent=self
        )
        dialog.browser.setHtml(
            dialog.html() + words_used_html(dialog.html(), self.snapshot.glossary)
        )
        self._open(dialog)

    def _show_provenance(self, body: str) -> None:
        from explorer.ui.provenance import ProvenanceDialog

        self._open(ProvenanceDialog("Where this comes from", body, self))

    def ask_to_leave(self) -> None:
        dialog = PinDialog(
            "End patient mode",
            "For staff: enter the clinician PIN to go back to the clinician's screen.",
            self._leave_check,
            setting=False,
            button_text="&End patient mode",
            parent=self,
        )
        dialog.accepted.connect(self._leave)
        self._open(dialog)
        dialog.form.pin.setFocus()

    def _leave(self) -> None:
        self._leaving = True
        self.idle_watch.stop()
        self.close()
        self.sig_left.emit()

    def closeEvent(self, event) -> None:
        if not self._leaving:
            event.ignore()  # Alt+F4 and the like: only the PIN ends patient mode
            self.ask_to_leave()
            return
        self._close_dialog()
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._close_dialog()
            return
        super().keyPressEvent(event)


class _BrowsePage(QWidget):
    """Catalog, plain comparison (with the words it uses explained), pictures, care steps,
    words and questions. Made anew after every "start over"."""

    sig_details = Signal(str)
    sig_provenance = Signal(str)

    def __init__(self, window: PatientWindow) -> None:
        super().__init__(window)
        from explorer.ui.catalog_panel import CatalogPanel
        from explorer.ui.charts_panel import ChartsPanel
        from explorer.ui.comparison_model import ComparisonTableModel
        from explorer.ui.comparison_panel import ComparisonPanel
        from explorer.ui.reference_views import FaqView, GlossaryView, PathwayView

        snapshot = window.snapshot
        self._window = window
        self._glossary = snapshot.glossary
        self.model = ComparisonTableModel(parent=self)
        self.model.set_resolver(window._resolve)
        self.model.set_condition_names(
            {c.slug: c.name for c in snapshot.conditions}, window._plain_conditions
        )
        self.model.set_plain(True)
        self.catalog = CatalogPanel(self)
        self.catalog.model.set_treatments(list(snapshot.treatments), snapshot.glossary)
        self.catalog.model.set_plain(True)
        self.catalog.set_simple(True)
        self.comparison = ComparisonPanel(self.model, self)
        self.words = QTextBrowser(self)
        self.words.setAccessibleName("Words used above, explained")
        self.words.setOpenLinks(False)
        self.words.setMaximumHeight(6 * self.fontMetrics().height())
        side_by_side = QWidget(self)
        column = QVBoxLayout(side_by_side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.comparison, 1)
        column.addWidget(self.words)
        self.charts = ChartsPanel(self, patient=True)
        self.charts.set_kb_version(snapshot.info.kb_version)
        self.charts.set_statistics(snapshot.statistics)
        self.charts.set_plain(True)
        self.pathway = PathwayView(self)
        self.pathway.set_steps(snapshot.pathway, window._names)
        self.pathway.set_plain(True)
        self.pathway.explain_words(snapshot.glossary)
        self.glossary = GlossaryView(self)
        self.glossary.set_entries(snapshot.glossary, window._names)
        self.glossary.set_plain(True)
        self.faq = FaqView(self)
        self.faq.set_entries(snapshot.faq)
        self.faq.set_plain(True)
        self.faq.explain_words(snapshot.glossary)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(side_by_side, "Side by side")
        self.tabs.addTab(self.charts, "Pictures")
        self.tabs.addTab(self.pathway, "Steps of care")
        self.tabs.addTab(self.glossary, "Words explained")
        self.tabs.addTab(self.faq, "Questions")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.catalog)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        chars = self.fontMetrics().averageCharWidth()
        splitter.setSizes([34 * chars, 130 * chars])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.catalog.sig_add_requested.connect(self._add)
        self.comparison.sig_details_requested.connect(self.sig_details)
        self.comparison.sig_baseline_requested.connect(self._add_baseline)
        self.comparison.sig_link_activated.connect(self._on_link)
        self.comparison.sig_cell_activated.connect(
            lambda index: self._provenance(index.row(), index.column(), None)
        )
        self.pathway.sig_treatment_clicked.connect(self.sig_details)
        self.glossary.sig_treatment_clicked.connect(self.sig_details)
        self.model.sig_comparison_changed.connect(self._on_comparison_changed)
        self.tabs.currentChanged.connect(self._on_tab)

    def set_condition(self, slug: str | None, name: str) -> None:
        self.catalog.set_condition(slug, None if slug is None else name)
        self.model.set_condition(slug)
        self.comparison.set_caption(None if slug is None else name)
        self.comparison.fit_columns()
        self._update()

    def _add(self, slugs: list[str]) -> None:
        if self.model.add_slugs(slugs):
            self.tabs.setCurrentIndex(0)

    def _add_baseline(self) -> None:
        from explorer.domain.comparison import BASELINE_SLUG

        self._add([BASELINE_SLUG])

    def _on_link(self, _index, href: str) -> None:
        from explorer.ui.cell_html import parse_anchor

        parsed = parse_anchor(href)
        if parsed is not None:
            self._provenance(*parsed)

    def _provenance(self, row: int, column: int, piece: int | None) -> None:
        from explorer.ui.provenance import cell_provenance_html

        body = cell_provenance_html(
            self.model, row, column, piece, self._window.snapshot.info.kb_version
        )
        if body is not None:
            self.sig_provenance.emit(body)

    def _on_comparison_changed(self, slugs: list[str]) -> None:
        self.pathway.set_compared(slugs)
        self._update()

    def _on_tab(self, index: int) -> None:
        if self.tabs.widget(index) is self.charts and not self.charts.built:
            self.charts.ensure_built()

    def _update(self) -> None:
        treatments = self.model.treatments()
        slug = self.model.condition
        self.charts.set_comparison(treatments, slug, self._window._plain_conditions.get(slug or ""))
        self.comparison.schedule_row_heights()
        # The words the patient can see: headers and cells, not the citations of the sources
        # row (names of papers, not words to explain).
        texts = [
            self.model.headerData(c, Qt.Orientation.Horizontal) or ""
            for c in range(self.model.columnCount())
        ]
        texts += [
            self.model.cell(row, column).text
            for row, kind in enumerate(ROWS)
            if kind is not Row.SOURCES
            for column in range(self.model.columnCount())
        ]
        items = words_items_html(texts, self._glossary)
        if not items:
            self.words.setHtml("<p><i>Words used in the table are explained here.</i></p>")
            return
        self.words.setHtml("<p><b>Words used above</b></p>" + items)
