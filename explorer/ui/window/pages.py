"""The pages both windows show: comparison, charts, care pathway, glossary and FAQ.

One class builds them and wires them to one another (the comparison drives the charts and
the pathway, links ask for details or sources); the clinician's window adds its Consult tab
around them, patient mode shows them in plain words with the words each page uses explained,
the patient forms of the charts and no export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from explorer.ui.window.wording import WordingModel

if TYPE_CHECKING:
    from explorer.domain.models import ExplorerSnapshot, Treatment

CLINICIAN_TITLES = ("&Comparison", "C&harts", "Care &pathway", "&Glossary", "&FAQ")
PATIENT_TITLES = ("Side by side", "Pictures", "Steps of care", "Words explained", "Questions")


class PagesWidget(QTabWidget):
    """The five pages as tabs, following ``wording``.

    ``sig_details_requested(slug)``: a treatment's details are wanted; ``sig_provenance(html)``:
    the sources of a comparison cell; ``sig_chart_provenance(html)``: the sources of a chart;
    ``sig_added``: treatments were added to the comparison (and it is shown).
    """

    sig_details_requested = Signal(str)
    sig_provenance = Signal(str)
    sig_chart_provenance = Signal(str)
    sig_added = Signal()

    def __init__(
        self, wording: WordingModel, *, patient: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from explorer.ui.charts.panel import ChartsPanel
        from explorer.ui.comparison.comparison_model import ComparisonTableModel
        from explorer.ui.comparison.comparison_panel import ComparisonPanel
        from explorer.ui.comparison.reference_views import FaqView, GlossaryView, PathwayView

        self.setAccessibleName("Views")
        self.wording = wording
        self.patient = patient
        self.snapshot: ExplorerSnapshot | None = None
        self._condition_name: str | None = None
        self._plain_conditions: dict[str, str] = {}
        self.comparison_model = ComparisonTableModel(parent=self)
        self.comparison = ComparisonPanel(self.comparison_model, self)
        self.charts = ChartsPanel(self, patient=patient)
        self.pathway = PathwayView(self)
        self.glossary = GlossaryView(self)
        self.faq = FaqView(self)
        self.words: QTextBrowser | None = None
        first: QWidget = self.comparison
        if patient:
            first = self._with_words_explained()
        pages = (first, self.charts, self.pathway, self.glossary, self.faq)
        for page, title in zip(pages, PATIENT_TITLES if patient else CLINICIAN_TITLES, strict=True):
            self.addTab(page, title)
        self.comparison_page = first
        self._connect()

    def _with_words_explained(self) -> QWidget:
        """Patient mode: the comparison with the glossary words it uses explained below."""
        self.words = QTextBrowser(self)
        self.words.setAccessibleName("Words used above, explained")
        self.words.setOpenLinks(False)
        self.words.setMaximumHeight(6 * self.fontMetrics().height())
        side_by_side = QWidget(self)
        column = QVBoxLayout(side_by_side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.comparison, 1)
        column.addWidget(self.words)
        return side_by_side

    def _connect(self) -> None:
        for page in (self.comparison_model, self.pathway, self.glossary, self.faq, self.charts):
            self.wording.subscribe(page.set_plain)
        self.wording.sig_changed.connect(self._on_wording_changed)
        self.comparison.sig_details_requested.connect(self.sig_details_requested)
        self.comparison.sig_baseline_requested.connect(self.add_baseline)
        self.comparison.sig_link_activated.connect(self._on_link_activated)
        self.comparison.sig_cell_activated.connect(self._on_cell_activated)
        self.comparison_model.sig_comparison_changed.connect(self._on_comparison_changed)
        self.pathway.sig_treatment_clicked.connect(self.sig_details_requested)
        self.glossary.sig_treatment_clicked.connect(self.sig_details_requested)
        self.charts.sig_provenance.connect(self._on_chart_provenance)
        self.currentChanged.connect(self._on_current_changed)

    # --- data ---------------------------------------------------------------------------------
    def set_knowledge(
        self, snapshot: ExplorerSnapshot, resolve: Callable[[str], Treatment | None]
    ) -> None:
        """Fill the pages from a loaded knowledge base."""
        self.snapshot = snapshot
        names = {t.slug: t.name for t in snapshot.treatments}
        self._plain_conditions = {c.slug: c.plain_name for c in snapshot.conditions}
        self.comparison_model.set_resolver(resolve)
        self.comparison_model.set_condition_names(
            {c.slug: c.name for c in snapshot.conditions}, self._plain_conditions
        )
        self.charts.set_kb_version(snapshot.info.kb_version)
        self.charts.set_statistics(snapshot.statistics)
        self.pathway.set_steps(snapshot.pathway, names)
        self.glossary.set_entries(snapshot.glossary, names)
        self.faq.set_entries(snapshot.faq)
        if self.patient:
            self.pathway.explain_words(snapshot.glossary)
            self.faq.explain_words(snapshot.glossary)

    def set_condition(self, slug: str | None, name: str | None) -> None:
        """Show the comparison and the charts for condition ``slug`` (``name`` as chosen)."""
        self._condition_name = None if slug is None else name
        self.comparison_model.set_condition(slug)
        self._update_caption()
        self.comparison.fit_columns()
        self._update()

    def kb_version(self) -> str | None:
        return self.snapshot.info.kb_version if self.snapshot else None

    # --- the comparison -----------------------------------------------------------------------
    def add_slugs(self, slugs: list[str]) -> bool:
        """Add treatments to the comparison and show it; False when none was added."""
        added = self.comparison_model.add_slugs(slugs)
        if added:
            self.setCurrentWidget(self.comparison_page)
            self.sig_added.emit()
        return bool(added)

    def add_baseline(self) -> None:
        from explorer.domain.comparison import BASELINE_SLUG

        self.add_slugs([BASELINE_SLUG])

    def cell_provenance(self, row: int, column: int, piece: int | None = None) -> str | None:
        """The sources of one cell (or one piece of it) as HTML; None for a cell without."""
        from explorer.ui.comparison.provenance import cell_provenance_html

        return cell_provenance_html(self.comparison_model, row, column, piece, self.kb_version())

    def _on_link_activated(self, _index: QModelIndex, href: str) -> None:
        from explorer.ui.comparison.cell_html import parse_anchor

        parsed = parse_anchor(href)
        if parsed is not None:
            self._emit_provenance(*parsed)

    def _on_cell_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._emit_provenance(index.row(), index.column(), None)

    def _emit_provenance(self, row: int, column: int, piece: int | None) -> None:
        body = self.cell_provenance(row, column, piece)
        if body is not None:
            self.sig_provenance.emit(body)

    def _on_chart_provenance(self, context: str, sources: list) -> None:
        from explorer.ui.comparison.provenance import provenance_html

        body = provenance_html(sources, context=context, kb_version=self.kb_version())
        self.sig_chart_provenance.emit(body)

    def _on_comparison_changed(self, slugs: list[str]) -> None:
        self.pathway.set_compared(slugs)
        self._update()

    def _on_current_changed(self, index: int) -> None:
        if self.widget(index) is self.charts and not self.charts.built:
            self.charts.ensure_built()  # imports pyqtgraph: only when a chart is wanted

    def _on_wording_changed(self, _plain: bool) -> None:
        self._update_caption()
        self.comparison.schedule_row_heights()

    def _update_caption(self) -> None:
        slug = self.comparison_model.condition
        name = self._condition_name
        if slug is not None and self.wording.plain:
            name = self._plain_conditions.get(slug, name)
        self.comparison.set_caption(name)

    def _update(self) -> None:
        """Charts (and in patient mode the words explained) follow the comparison live."""
        self.charts.set_comparison(
            self.comparison_model.treatments(),
            self.comparison_model.condition,
            self._condition_name,
        )
        if self.words is not None:
            self.comparison.schedule_row_heights()
            self._explain_words()

    def _explain_words(self) -> None:
        from explorer.domain.comparison import ROWS, Row
        from explorer.ui.comparison.glossary_words import words_items_html

        assert self.words is not None
        model = self.comparison_model
        # The words the patient can see: headers and cells, not the citations of the sources
        # row (names of papers, not words to explain).
        texts = [
            model.headerData(c, Qt.Orientation.Horizontal) or "" for c in range(model.columnCount())
        ]
        texts += [
            model.cell(row, column).text
            for row, kind in enumerate(ROWS)
            if kind is not Row.SOURCES
            for column in range(model.columnCount())
        ]
        glossary = self.snapshot.glossary if self.snapshot else ()
        items = words_items_html(texts, glossary)
        if not items:
            self.words.setHtml("<p><i>Words used in the table are explained here.</i></p>")
            return
        self.words.setHtml("<p><b>Words used above</b></p>" + items)
