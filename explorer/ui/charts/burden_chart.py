"""How common back pain is, and what the figures say: one horizontal bar per statistic.

Only statistics with the same unit share an axis (:func:`burden_groups`); a long group is
shown a page at a time so every label stays readable. Each bar carries its own
denominator, time frame, population and a numbered source; figures that are not
peer-reviewed are hatched in the flag colour and footnoted. What to draw and write comes
from :func:`burden_spec`; the tooltip helpers here are shared with the icon array.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from explorer.domain.burden_spec import (
    BurdenBar,
    BurdenSpec,
    burden_pages,
    burden_spec,
    cite,
    group_name,
    sources_of,
    value_text,
)
from explorer.domain.chart_words import plain_statistic_label, statistic_caption
from explorer.domain.charts import BurdenGroup, burden_groups
from explorer.domain.models import Statistic
from explorer.report.print_charts import PrintChart
from explorer.report.print_charts.burden import draw_burden
from explorer.ui.charts.base import AXIS_POINT_SIZE, FLAG_COLOUR, PALETTE, ChartWidget, foreground
from explorer.ui.window.style import esc

_LABEL_PT, _CONTEXT_PT = AXIS_POINT_SIZE, AXIS_POINT_SIZE - 2
_BAR_CENTRE, _BAR_HEIGHT, _CONTEXT_TOP = 0.52, 0.26, 0.69  # within a row one unit tall


def statistic_tooltip(statistic: Statistic, reference: str = "", *, plain: bool = False) -> str:
    """Everything about one figure, as rich text (Qt word-wraps rich-text tooltips); in plain
    words only the plain label, the plain caption (who was counted, the source) and the plain
    small print."""
    if plain:
        return "<br>".join(
            [
                f"<b>{esc(plain_statistic_label(statistic))}</b>",
                esc(statistic_caption(statistic, plain=True)),
                "<i>Click to see where this comes from.</i>",
            ]
        )
    lines = [
        f"<b>{esc(statistic.label)}</b>",
        f"Figure: {esc(value_text(statistic))} ({esc(statistic.unit)})",
        f"Out of: {esc(statistic.denominator)}",
        f"People: {esc(statistic.population)}",
        f"Time: {esc(statistic.timeframe)}",
    ]
    if statistic.verdict:
        lines.append(f"Evidence check: {esc(statistic.verdict)}")
    if statistic.note:
        lines.append(f"Note: {esc(statistic.note)}")
    lines.append(f"Source{reference}: {esc(cite(statistic.source))}")
    if statistic.read_in is not None:
        lines.append(f"Read in: {esc(cite(statistic.read_in))}")
    return "<br>".join([*lines, "<i>Click for the full source.</i>"])


def chart_font(base: QFont, size: int, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSize(size)
    font.setBold(bold)
    return font


@dataclass
class _Row:
    bar_spec: BurdenBar
    bar: pg.BarGraphItem | None  # None for ranks: written, never drawn as an amount
    label: pg.TextItem
    context: pg.TextItem

    @property
    def statistic(self) -> Statistic:
        return self.bar_spec.statistic


class BurdenChart(ChartWidget):
    """Prevalence and outcome figures as horizontal bars, one unit group (and page) at a time.

    ``plotted()`` reads (label, value, flagged) back from the drawn bar items.
    """

    chart_name = "burden chart"
    PAGE_SIZE = 5  # rows stay >= ~60 px tall in an 880x560 tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[BurdenGroup] = []
        self._plain = False
        self._page = 0
        self._rows: list[_Row] = []
        self.unit_box = QComboBox(self)
        self.unit_box.setAccessibleName("Figures to show")
        unit_label = QLabel("Figures to show:", self)
        unit_label.setBuddy(self.unit_box)
        self.page_label = QLabel(self)
        self.previous_button = QPushButton("◀ Previous", self)
        self.previous_button.setAccessibleName("Previous figures")
        self.next_button = QPushButton("Next ▶", self)
        self.next_button.setAccessibleName("Next figures")
        controls = QHBoxLayout()
        for widget in (unit_label, self.unit_box, self.page_label):
            controls.addWidget(widget, 1 if widget is self.unit_box else 0)
        controls.addWidget(self.previous_button)
        controls.addWidget(self.next_button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, controls)
        view = self.plot.getViewBox()
        view.invertY(True)
        view.disableAutoRange()
        view.sigResized.connect(self._fit_texts)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.unit_box.currentIndexChanged.connect(lambda _i: self.select_page(0))
        self.previous_button.clicked.connect(lambda: self.select_page(self._page - 1))
        self.next_button.clicked.connect(lambda: self.select_page(self._page + 1))
        self.redraw()

    # --- API ------------------------------------------------------------------------------
    def set_data(self, statistics: Sequence[Statistic]) -> None:
        """Group the statistics by unit; show the percentages first when there are any."""
        self._groups = burden_groups(statistics)
        units = [g.unit for g in self._groups]
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        for group in self._groups:
            self.unit_box.addItem(group_name(group), group.unit)
        self.unit_box.setCurrentIndex(units.index("%") if "%" in units else 0)
        self.unit_box.blockSignals(False)
        self.select_page(0)

    def groups(self) -> list[BurdenGroup]:
        return list(self._groups)

    def current_group(self) -> BurdenGroup | None:
        index = self.unit_box.currentIndex()
        return self._groups[index] if 0 <= index < len(self._groups) else None

    def select_unit(self, unit: str) -> None:
        index = self.unit_box.findData(unit.strip())
        if index < 0:
            raise ValueError(f"no statistics in unit {unit!r}")
        self.unit_box.blockSignals(True)
        self.unit_box.setCurrentIndex(index)
        self.unit_box.blockSignals(False)
        self.select_page(0)

    def page(self) -> int:
        return self._page

    def page_count(self) -> int:
        return len(self._pages())

    def select_page(self, page: int) -> None:
        self._page = max(0, min(page, self.page_count() - 1))
        self.redraw()

    def plotted(self) -> list[tuple[str, float, bool]]:
        """(label, value, flagged) of each bar on the current page, read from the bar items."""
        return [
            (
                row.statistic.label,
                float(np.asarray(row.bar.opts["width"]).ravel()[0]),
                QBrush(row.bar.opts["brush"]).style() == Qt.BrushStyle.BDiagPattern,
            )
            for row in self._rows
            if row.bar is not None
        ]

    # --- drawing --------------------------------------------------------------------------
    def _pages(self) -> list[tuple[Statistic, ...]]:
        return burden_pages(self.current_group(), self.PAGE_SIZE)

    def spec(self) -> BurdenSpec:
        """The current page, described without a renderer (on the whole group's scale)."""
        pages = self._pages()
        page = pages[self._page] if pages else ()
        return burden_spec(self.current_group(), page, self._kb_version, plain=self._plain)

    def print_chart(self) -> PrintChart:
        return draw_burden(self.spec(), plain=self._plain)

    def redraw(self) -> None:
        self.clear_plot()
        self._rows = []
        pages, group = self._pages(), self.current_group()
        self._update_navigation(group, pages)
        spec = self.spec()
        if not spec.bars:
            self.set_axis_labels(None, None)
            self.plot.hideAxis("left")
            self.set_texts(spec.title, "", spec.notes)
            return
        self._set_ranges(spec, len(pages) > 1)
        pad = (spec.axis.high - spec.axis.low) * 0.012
        for index, bar in enumerate(spec.bars):
            self._draw_row(index, bar, pad)
        self._fit_texts()
        self.set_axis_labels(None, spec.axis_title)
        self.plot.hideAxis("left")  # setLabel shows it again; the labels sit above the bars
        self.plot.showAxis("bottom", not spec.rank)
        self.plot.getAxis("bottom").resizeEvent()  # re-centre a label shorter than the last
        self.set_texts(spec.title, spec.sources_text, spec.notes)

    def _draw_row(self, index: int, spec: BurdenBar, pad: float) -> None:
        statistic, flagged = spec.statistic, spec.flagged
        colour, centre = QColor(FLAG_COLOUR if flagged else PALETTE[0]), index + _BAR_CENTRE
        tip = statistic_tooltip(statistic, f" {spec.reference}", plain=self._plain)
        bar = None
        if spec.drawn:
            style = Qt.BrushStyle.BDiagPattern if flagged else Qt.BrushStyle.SolidPattern
            bar = pg.BarGraphItem(
                x0=[0.0],
                y=[centre],
                height=[_BAR_HEIGHT],
                width=[statistic.value],
                brush=QBrush(colour, style),
                pen=pg.mkPen(colour, width=2),
            )
            self._add(bar, tip)
        if (interval := spec.interval) is not None:
            low, high = interval
            self.plot.addItem(
                pg.ErrorBarItem(
                    x=np.array([statistic.value]),
                    y=np.array([centre]),
                    left=np.array([statistic.value - low]),
                    right=np.array([high - statistic.value]),
                    beam=_BAR_HEIGHT * 0.8,
                    pen=pg.mkPen(foreground(), width=2),
                )
            )
        label = self._add(pg.TextItem(color=FLAG_COLOUR if flagged else foreground()), tip)
        label.setFont(self._font(_LABEL_PT, bold=flagged))
        label.setPos(0, index + 0.02)
        context = self._add(pg.TextItem(color=foreground()), tip)
        context.setFont(self._font(_CONTEXT_PT))
        context.setOpacity(0.8)
        context.setPos(0, index + _CONTEXT_TOP)
        number = self._add(pg.TextItem(spec.value_text, foreground(), anchor=(0, 0.5)), tip)
        number.setFont(self._font(_LABEL_PT, bold=True))
        number.setPos(spec.end + pad, centre)
        self._rows.append(_Row(spec, bar, label, context))

    def _add(self, item: pg.GraphicsObject, tip: str) -> pg.GraphicsObject:
        item.setToolTip(tip)
        self.plot.addItem(item)
        return item

    def _set_ranges(self, spec: BurdenSpec, paged: bool) -> None:
        """The spec's scale (one for the whole group: pages compare honestly)."""
        self.set_value_axis(spec.axis)
        view = self.plot.getViewBox()
        view.setXRange(spec.axis.low, spec.axis.high, padding=0)
        view.setYRange(0, (self.PAGE_SIZE if paged else max(len(spec.bars), 3)) + 0.1, padding=0)

    def _fit_texts(self, *_args: object) -> None:
        """Elide labels to the plot's width (the full text is in the tooltip)."""
        width = self.plot.getViewBox().width() - 6
        width = width if width > 200 else 800.0  # not laid out yet (never shown)
        elide = Qt.TextElideMode.ElideRight
        label_metrics = QFontMetricsF(self._font(_LABEL_PT, bold=True))
        metrics = QFontMetricsF(self._font(_CONTEXT_PT))
        for row in self._rows:
            row.label.setText(label_metrics.elidedText(row.bar_spec.label, elide, width))
            suffix = f" · source {row.bar_spec.reference}"
            room = width - metrics.horizontalAdvance(suffix)
            text = metrics.elidedText(row.bar_spec.context[0], elide, room)
            for part in row.bar_spec.context[1:]:
                left = room - metrics.horizontalAdvance(text + " · ")
                if metrics.horizontalAdvance(part) <= left or left > 140:
                    text += " · " + metrics.elidedText(part, elide, left)
                if metrics.horizontalAdvance(part) > left:
                    break  # a stub of two words says nothing: the tooltip has the rest
            row.context.setText(text + suffix)

    def minimum_plot_height(self) -> int:
        # A row holds a label, its bar and a context line: about 3.3 lines of the label font
        # (so large type makes the plot taller, and the page scrolls, instead of overlapping)
        line = QFontMetricsF(self._font(_LABEL_PT)).lineSpacing()
        axis = 4 * line  # the numbers and the axis title under the rows
        return max(super().minimum_plot_height(), int(self.PAGE_SIZE * 3.3 * line + axis))

    def _font(self, size: int, bold: bool = False) -> QFont:
        return chart_font(self.font(), size, bold)

    def _update_navigation(self, group: BurdenGroup | None, pages: list) -> None:
        self._page = max(0, min(self._page, len(pages) - 1))
        for widget in (self.previous_button, self.next_button, self.page_label):
            widget.setVisible(len(pages) > 1)
        self.unit_box.setEnabled(bool(self._groups))
        if group is not None and len(pages) > 1:
            start = sum(len(p) for p in pages[: self._page])
            shown = f"{start + 1}–{start + len(pages[self._page])}"
            self.page_label.setText(f"Figures {shown} of {len(group.statistics)}")
            self.previous_button.setEnabled(self._page > 0)
            self.next_button.setEnabled(self._page < len(pages) - 1)

    # --- events ---------------------------------------------------------------------------
    def _on_scene_clicked(self, event: object) -> None:
        view, position = self.plot.getViewBox(), event.scenePos()  # type: ignore[attr-defined]
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        index = math.floor(view.mapSceneToView(position).y())
        if view.sceneBoundingRect().contains(position) and 0 <= index < len(self._rows):
            statistic = self._rows[index].statistic
            context = f"{statistic.label}: {value_text(statistic)}"
            self.sig_provenance.emit(context, sources_of(statistic))
