"""Forest plot of one comparable group of findings: same outcome, scale, measure and window.

Different scales or time points never share the axis: a list above the plot chooses the
group, and the message line says what is left off and why (``OutcomeChoice.refusal``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from explorer.domain.chart_spec import OutcomeChartSpec, outcome_spec
from explorer.domain.chart_words import (
    MEASURES,
    fmt,
    short_citation,
    source_kind,
)
from explorer.domain.charts import ForestRow, OutcomeChoice, OutcomeGroup, outcome_groups
from explorer.domain.comparison import certainty_text
from explorer.domain.models import Treatment
from explorer.report.print_charts import PrintChart
from explorer.report.print_charts.outcomes import draw_outcomes
from explorer.ui.charts.base import FLAG_COLOUR, PALETTE, SYMBOLS, ChartWidget, background
from explorer.ui.charts.base import foreground as fg
from explorer.ui.window.style import as_is

MARKER_PX = 17
"""Diameter of a marker of the usual size; the spec scales it by certainty."""


LEFT_SHARE = 0.5
"""At most this share of the chart's width goes to the row labels (the short value column
on the right is never shortened)."""


class OutcomeChart(ChartWidget):
    """One outcome group as a forest plot: a row per finding, point and 95 % interval.

    Marker size and fill encode GRADE certainty (high large filled … very low small hollow,
    not rated 'x'), and the row label says it in words; caution sources get a ⚠ ring.
    """

    chart_name = "outcome chart"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._treatments: list[Treatment] = []
        self._condition_name: str | None = None
        self._plain = False
        self._choice = OutcomeChoice((), ())
        self._rows: list[ForestRow] = []
        self._scatter: pg.ScatterPlotItem | None = None
        self._bars: list[pg.ErrorBarItem] = []
        self.group_box = QComboBox(self)
        self.group_box.setAccessibleName("Outcome to plot")
        self.group_box.setToolTip("Only findings on the same scale and time window share an axis")
        self.group_box.currentIndexChanged.connect(self._on_group_box_changed)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.group_box)
        self.plot.disableAutoRange()
        self.plot.invertY(True)
        self.plot.showAxis("right")
        self.plot.getAxis("right").setStyle(tickLength=0)
        self.plot.getAxis("left").setStyle(tickLength=0)
        self._style_axes()
        self.redraw()

    # --- public API ---------------------------------------------------------------------------
    @property
    def choice(self) -> OutcomeChoice:
        return self._choice

    def set_data(
        self, treatments: Sequence[Treatment], condition: str | None, condition_name: str | None
    ) -> None:
        """Recompute the comparable groups; keep the chosen group when it still exists."""
        previous = self.current_group()
        self._treatments = list(treatments)
        self._condition_name = condition_name
        self._choice = outcome_groups(self._treatments, condition)
        keys = [g.key for g in self._choice.groups]
        self.group_box.blockSignals(True)
        self.group_box.clear()
        for group in self._choice.groups:
            n = len(group.rows)
            self.group_box.addItem(f"{group.key.title} — {n} finding{'s' if n != 1 else ''}")
        self.group_box.setEnabled(bool(keys))
        if keys:
            self.group_box.setCurrentIndex(
                keys.index(previous.key) if previous and previous.key in keys else 0
            )
        self.group_box.blockSignals(False)
        self.redraw()

    def current_group(self) -> OutcomeGroup | None:
        index = self.group_box.currentIndex()
        groups = self._choice.groups
        return groups[index] if 0 <= index < len(groups) else None

    def select_group(self, index: int) -> None:
        self.group_box.setCurrentIndex(index)

    def plotted(self) -> list[tuple[str, float, float | None, float | None]]:
        """(label, value, ci_low, ci_high) as drawn, read back from the plot items."""
        if self._scatter is None:
            return []
        intervals: dict[float, tuple[float | None, float | None]] = {}
        for bar in self._bars:
            x, y = float(bar.opts["x"][0]), float(bar.opts["y"][0])
            left, right = bar.opts["left"], bar.opts["right"]
            intervals[y] = (
                None if left is None else x - float(left[0]),
                None if right is None else x + float(right[0]),
            )
        out = []
        for spot in sorted(self._scatter.points(), key=lambda s: s.pos().y()):
            low, high = intervals.get(spot.pos().y(), (None, None))
            out.append((spot.data()["label"], spot.pos().x(), low, high))
        return out

    # --- drawing ------------------------------------------------------------------------------
    def spec(self, *, printed: bool = False) -> OutcomeChartSpec:
        """What the chart shows now (the chosen group), described without a renderer."""
        return outcome_spec(
            self._choice, self.current_group(), self._treatments, self._condition_name,
            plain=self._plain, printed=printed,
        )  # fmt: skip

    def print_chart(self) -> PrintChart:
        return draw_outcomes(self.spec(printed=True), self._kb_version, plain=self._plain)

    def redraw(self) -> None:
        self.clear_plot()
        self._scatter, self._bars, self._rows = None, [], []
        spec = self.spec()
        if spec.group is None:
            self.set_axis_labels(None, None)
            for side in ("left", "right", "bottom"):
                self.plot.getAxis(side).setTicks([[]])
            self.plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            note = pg.TextItem(spec.nothing, color=fg(), anchor=(0.5, 0.5))
            note.setFont(self.plot.getAxis("bottom").label.font())
            note.setTextWidth(420)
            note.setPos(0.5, 0.5)
            self.plot.addItem(note)
            self.set_texts(spec.title, "", f"{spec.nothing} {spec.notes}".strip())
            return
        self._rows = [mark.row for mark in spec.marks]
        self._draw_rows(spec)
        self._draw_reference_lines(spec)
        self.set_value_axis(spec.axis)
        self.set_texts(spec.title, spec.sources_text, spec.notes)
        self.set_axis_labels(None, self._axis_label(spec), rich=True)
        label = self.plot.getAxis("bottom").label  # lets the arrow line align to a side
        label.setTextWidth(label.document().idealWidth())

    def _draw_rows(self, spec: OutcomeChartSpec) -> None:
        spots, halos, left_ticks, right_ticks = [], [], [], []
        for y, mark in enumerate(spec.marks):
            row, marker = mark.row, mark.marker
            colour = PALETTE[mark.series % len(PALETTE)]
            size = MARKER_PX * marker.size
            symbol = "x" if marker.cross else SYMBOLS[mark.series % len(SYMBOLS)]
            brush = pg.mkBrush(colour if marker.filled else background())
            pen = pg.mkPen(colour, width=2.5)
            data = {"row": y, "label": mark.short_label}
            spot = dict(pos=(row.value, y), size=size, symbol=symbol, pen=pen, brush=brush)
            spots.append({**spot, "data": data})
            if row.caution:
                halos.append({"pos": (row.value, y), "size": size + 14, "data": {"row": y}})
            if row.ci_low is not None or row.ci_high is not None:
                self._add_interval(row, y, colour)
            left_ticks.append((y, mark.short_label))
            right_ticks.append((y, mark.value_text))
        if halos:
            halo = pg.ScatterPlotItem(
                halos, symbol="o", pen=pg.mkPen(FLAG_COLOUR, width=2.5), brush=None
            )
            halo.sigClicked.connect(self._on_scatter_clicked)
            self.plot.addItem(halo)
        self._scatter = pg.ScatterPlotItem(spots, hoverable=True, tip=self._tip)
        self._scatter.setZValue(10)
        self._scatter.sigClicked.connect(self._on_scatter_clicked)
        self.plot.addItem(self._scatter)
        self.set_axis_rows("left", left_ticks, LEFT_SHARE)
        self.set_axis_rows("right", right_ticks, None)
        self.plot.showGrid(x=True, y=False, alpha=0.2)

    def _add_interval(self, row: ForestRow, y: int, colour: str) -> None:
        left = None if row.ci_low is None else np.array([row.value - row.ci_low])
        right = None if row.ci_high is None else np.array([row.ci_high - row.value])
        bar = pg.ErrorBarItem(
            x=np.array([row.value]), y=np.array([float(y)]), left=left, right=right, beam=0.25,
            pen=pg.mkPen(colour, width=3),
        )  # fmt: skip
        self._bars.append(bar)
        self.plot.addItem(bar)

    def _draw_reference_lines(self, spec: OutcomeChartSpec) -> None:
        self.plot.setXRange(spec.axis.low, spec.axis.high, padding=0)
        self.plot.setYRange(-1.05, len(spec.marks) - 0.05, padding=0)
        middle = (spec.axis.low + spec.axis.high) / 2
        for line in spec.lines:
            # Labels sit in empty bands: the threshold's above the rows, no difference's below.
            y = -0.7 if line.dashed else len(spec.marks) - 0.35
            style = Qt.PenStyle.DashLine if line.dashed else Qt.PenStyle.SolidLine
            self.plot.addItem(
                pg.InfiniteLine(line.value, angle=90, pen=pg.mkPen(fg(), width=2, style=style))
            )
            anchor = (1.0, 0.5) if line.value > middle else (0.0, 0.5)  # growing inwards
            item = pg.TextItem(line.words, color=fg(), anchor=anchor, fill=background())
            item.setFont(self.plot.getAxis("bottom").label.font())
            item.setPos(line.value, y)
            self.plot.addItem(item)

    @staticmethod
    def _axis_label(spec: OutcomeChartSpec) -> str:
        # Rich text; the window is repeated here because exports contain only the plot.
        title, side = html.escape(spec.axis_title), html.escape(spec.side)  # KB text
        if spec.lower_is_better:
            return f"{title}<br>← {side}"
        return f'{title}<div align="right">{side} →</div>'

    def _tip(self, x: float, y: float, data: dict[str, int]) -> str:
        row = self._rows[data["row"]]
        group = self.current_group()
        measure = MEASURES.get(group.key.measure, "") if group else ""
        interval = (
            f"95% CI {fmt(row.ci_low)} to {fmt(row.ci_high)}"
            if row.ci_low is not None and row.ci_high is not None
            else "no confidence interval given"
        )
        note = f" ({row.finding.certainty_note})" if row.finding.certainty_note else ""
        sources = "\n".join(f"• {short_citation(s)} ({source_kind(s)})" for s in row.sources)
        return as_is(
            f"{row.label}\n{measure.capitalize()}: {fmt(row.value)} ({interval})\n"
            f"{certainty_text(row.certainty, plain=self._plain)}{note}\n"
            f"Time point: {row.finding.timepoint}\n{sources}\nClick for the full sources."
        )

    def _style_axes(self) -> None:
        super()._style_axes()
        left, right = self.plot.getAxis("left"), self.plot.getAxis("right")
        right.setTickFont(left.style["tickFont"])
        right.setPen(left.pen())
        right.setTextPen(left.textPen())

    # --- events -------------------------------------------------------------------------------
    def _on_group_box_changed(self, _index: int) -> None:
        self.redraw()

    def _on_scatter_clicked(
        self, _item: object, points: Sequence[object], _ev: object = None
    ) -> None:
        if len(points) == 0:
            return
        row = self._rows[points[0].data()["row"]]  # type: ignore[attr-defined]
        group = self.current_group()
        context = f"{row.label}: {group.key.title if group else row.finding.outcome}"
        self.sig_provenance.emit(context, list(row.sources))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "group_box"):
            self.plot_widget.setBackground(QColor(background()))
            self._style_axes()
            self.redraw()
