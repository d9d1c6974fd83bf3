"""The Charts tab: outcomes, people out of 100, timeline and burden, following the
comparison live. Built on first visit, so pyqtgraph loads only when a chart is wanted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.models import Statistic, Treatment
from explorer.errors import UserFacingError
from explorer.ui.window.style import as_is


class ChartsPanel(QWidget):
    """Holds the four charts once :meth:`ensure_built` has run (it imports pyqtgraph)."""

    sig_provenance = Signal(str, list)

    def __init__(self, parent: QWidget | None = None, *, patient: bool = False) -> None:
        super().__init__(parent)
        self.setAccessibleName("Charts")
        # Patient mode: the patient forms only (people out of 100 first, then the timeline),
        # no export buttons and no file dialogs.
        self._patient = patient
        self._exports = not patient
        self._built = False
        self._treatments: list[Treatment] = []
        self._condition: str | None = None
        self._condition_name: str | None = None
        self._statistics: list[Statistic] = []
        self._plain = False
        self._kb_version: str | None = None
        self._placeholder = QLabel("Loading the charts…", self)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._placeholder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self.tabs: QTabWidget | None = None
        self.charts: list = []

    @property
    def built(self) -> bool:
        return self._built

    def ensure_built(self) -> None:
        """Create the charts (first call only) and fill them with the current data."""
        if self._built:
            return
        self._built = True
        from explorer.ui.charts.burden_chart import BurdenChart
        from explorer.ui.charts.icon_array_chart import IconArrayChart
        from explorer.ui.charts.outcome_chart import OutcomeChart
        from explorer.ui.charts.timeline_chart import TimelineChart

        self.outcomes = OutcomeChart(self)
        self.icons = IconArrayChart(self)
        self.timeline = TimelineChart(self)
        self.burden = BurdenChart(self)
        self.charts = [self.outcomes, self.icons, self.timeline, self.burden]
        tabs = QTabWidget(self)
        tabs.setAccessibleName("Chart")
        tabs.setDocumentMode(True)
        shown = (
            [(self.icons, "People out of &100"), (self.timeline, "&When it may help")]
            if self._patient
            else [
                (self.outcomes, "&Outcomes"),
                (self.icons, "Out of &100"),
                (self.timeline, "&Timeline"),
                (self.burden, "&Burden"),
            ]
        )
        for chart, title in shown:
            tabs.addTab(self._with_export_buttons(chart), title)
        for chart in self.charts:
            chart.sig_provenance.connect(self.sig_provenance)
            if all(chart is not c for c, _title in shown):
                chart.hide()
        self.tabs = tabs
        self._stack.addWidget(tabs)
        self._stack.setCurrentWidget(tabs)
        self._refresh_all()

    def _with_export_buttons(self, chart) -> QWidget:
        # In a scroll area: with large type or a short window the plot keeps its minimum
        # height and the page scrolls, instead of the plot being squeezed to a strip.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(chart)
        if not self._exports:
            return scroll
        page = QWidget(self)
        png = QPushButton("Export P&NG…", page)
        png.setAccessibleName(f"Export {chart.chart_name} as PNG")
        svg = QPushButton("Export &SVG…", page)
        svg.setAccessibleName(f"Export {chart.chart_name} as SVG")
        png.clicked.connect(lambda: self.export(chart, "png"))
        svg.clicked.connect(lambda: self.export(chart, "svg"))
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(png)
        buttons.addWidget(svg)
        layout = QVBoxLayout(page)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        return page

    # --- data ---------------------------------------------------------------------------
    def set_kb_version(self, version: str | None) -> None:
        self._kb_version = version
        for chart in self.charts:
            chart.set_kb_version(version)
        self._refresh_all()

    def set_statistics(self, statistics: Sequence[Statistic]) -> None:
        self._statistics = list(statistics)
        if self._built:
            self.icons.set_data(self._statistics)
            self.burden.set_data(self._statistics)

    def set_comparison(
        self, treatments: Sequence[Treatment], condition: str | None, condition_name: str | None
    ) -> None:
        self._treatments = list(treatments)
        self._condition, self._condition_name = condition, condition_name
        if self._built:
            self.outcomes.set_data(self._treatments, condition, condition_name)
            self.timeline.set_data(self._treatments)
            self._show_natural_history(condition)

    def _show_natural_history(self, condition: str | None) -> None:
        """Out of 100: start from the chosen condition's natural course, where there is one."""
        from explorer.domain.charts import NATURAL_HISTORY

        wanted = NATURAL_HISTORY.get(condition or "")
        if wanted and any(s.id == wanted for s in self._statistics):
            try:
                self.icons.select_statistic(wanted)
            except ValueError:  # not drawable as people: keep the current figure
                return

    def set_plain(self, plain: bool) -> None:
        self._plain = plain
        for chart in self.charts:
            chart.set_plain(plain)

    def _refresh_all(self) -> None:
        if not self._built:
            return
        for chart in self.charts:
            chart.set_kb_version(self._kb_version)
            chart.set_plain(self._plain)
        self.set_statistics(self._statistics)
        self.set_comparison(self._treatments, self._condition, self._condition_name)

    # --- export -------------------------------------------------------------------------
    def export(self, chart, kind: str) -> Path | None:
        """Ask for a file name and write the chart; a failure says what happened."""
        if not self._exports:
            return None
        filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
        name, _ = QFileDialog.getSaveFileName(
            self,
            f"Export {chart.chart_name}",
            f"{chart.chart_name.replace(' ', '-')}.{kind}",
            filters[kind],
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != f".{kind}":
            path = path.with_suffix(f".{kind}")
        try:
            return chart.export_png(path) if kind == "png" else chart.export_svg(path)
        except UserFacingError as exc:
            QMessageBox.warning(self, "Export failed", as_is(str(exc)))
            return None
