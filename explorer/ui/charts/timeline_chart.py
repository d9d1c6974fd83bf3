"""When benefit starts and how long it lasts, in weeks, per compared treatment.

Bars are drawn only from the treatment's timeframe numbers; where the evidence gives none
the row says "Not established" instead of showing a made-up bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from explorer.domain.chart_words import short_name, timing_sources
from explorer.domain.charts import TimelineRow, timeline_rows
from explorer.domain.models import Treatment
from explorer.domain.timeline_spec import Lane, TimelineMark, TimelineSpec, timeline_spec
from explorer.report.print_charts import PrintChart
from explorer.report.print_charts.timeline import draw_timeline
from explorer.ui.charts.base import PALETTE, ChartWidget, background
from explorer.ui.charts.base import foreground as fg
from explorer.ui.window.style import as_is

Span = tuple[float, float]
LANES = {"onset": -0.2, "duration": 0.2}  # offset of each bar from its row's centre
BAR_HEIGHT = 0.32


class _SpanBar(pg.BarGraphItem):
    """A bar that reports a left click (pyqtgraph's bar item has no click signal)."""

    def __init__(self, on_click: Callable[[], None], **opts: object) -> None:
        super().__init__(**opts)
        self._on_click = on_click

    def mouseClickEvent(self, ev: object) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            ev.accept()  # type: ignore[attr-defined]
            self._on_click()


class TimelineChart(ChartWidget):
    """Onset (hatched) and duration (solid) of benefit per treatment, over the 6–12 week
    reassessment window of the care pathway. A zero-width range is drawn as a tick."""

    chart_name = "timeline"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TimelineRow] = []
        self._plain = False
        self._spans: dict[str, dict[str, pg.GraphicsObject | None]] = {}
        self.region: pg.LinearRegionItem | None = None
        self.plot.disableAutoRange()
        self.plot.invertY(True)
        self.plot.getAxis("left").setStyle(tickLength=0)
        self.redraw()

    # --- public API ---------------------------------------------------------------------------
    def set_data(self, treatments: Sequence[Treatment]) -> None:
        self._rows = timeline_rows(treatments)
        self.redraw()

    def plotted(self) -> dict[str, dict[str, Span | None]]:
        """Per treatment slug, the onset and duration spans as drawn (None: no bar)."""
        out: dict[str, dict[str, Span | None]] = {}
        for slug, items in self._spans.items():
            out[slug] = {}
            for kind, item in items.items():
                if isinstance(item, pg.BarGraphItem):
                    span = (float(item.opts["x0"][0]), float(item.opts["x1"][0]))
                elif isinstance(item, pg.ScatterPlotItem):
                    x = float(item.getData()[0][0])
                    span = (x, x)
                else:
                    span = None
                out[slug][kind] = span
        return out

    def notes(self) -> dict[str, list[str]]:
        """Per treatment slug, the words written on its row ("Not established" and the like)."""
        found: dict[str, list[str]] = {r.treatment.slug: [] for r in self._rows}
        for item in self.plot.items:
            slug = getattr(item, "row_slug", None)
            if isinstance(item, pg.TextItem) and slug in found:
                found[slug].append(item.toPlainText())
        return found

    # --- drawing ------------------------------------------------------------------------------
    def spec(self, *, printed: bool = False) -> TimelineSpec:
        """What the chart shows, described without a renderer."""
        treatments = [row.treatment for row in self._rows]
        return timeline_spec(treatments, self._kb_version, plain=self._plain, printed=printed)

    def print_chart(self) -> PrintChart:
        return draw_timeline(self.spec(printed=True), plain=self._plain)

    def redraw(self) -> None:
        self.clear_plot()
        self._spans = {}
        spec = self.spec()
        axis = spec.axis(spec.weeks)
        self.plot.setXRange(axis.low, axis.high, padding=0)
        self.plot.setYRange(-1.15, max(len(spec.marks), 1) - 0.45, padding=0)
        self._draw_region(spec)
        faint = QColor(fg())
        faint.setAlpha(60)
        for y, mark in enumerate(spec.marks):
            colour = PALETTE[y % len(PALETTE)]
            if y:  # a faint rule between rows, so each bar's row is clear
                self.plot.addItem(pg.InfiniteLine(y - 0.5, angle=0, pen=pg.mkPen(faint)))
            self._spans[mark.row.treatment.slug] = {}
            if mark.unknown:
                self._add_text(mark.row, mark.unknown, 0.3, y, bold=True)
            for lane in mark.lanes:
                self._draw_span(mark, lane, y, colour)
        self.set_axis_rows("left", [(y, m.name) for y, m in enumerate(spec.marks)], 0.4)
        self.set_value_axis(axis)
        self.plot.showGrid(x=True, y=False, alpha=0.2)
        self.set_axis_labels(None, spec.axis_title)
        message = "" if spec.marks else spec.empty
        if message:
            note = pg.TextItem(message, color=fg(), anchor=(0.5, 0.5))
            note.setFont(self.plot.getAxis("bottom").label.font())
            note.setPos(axis.high / 2, 0.3)
            self.plot.addItem(note)
        self.set_texts(spec.title, spec.small_print, message)

    def _draw_region(self, spec: TimelineSpec) -> None:
        low, high = spec.region
        shade = QColor(fg())
        shade.setAlpha(32)
        edge = QColor(fg())
        edge.setAlpha(90)
        self.region = pg.LinearRegionItem(
            (low, high), movable=False, brush=shade, pen=pg.mkPen(edge, width=1)
        )
        self.region.setZValue(-10)
        self.plot.addItem(self.region)
        label = pg.TextItem(spec.region_label, color=fg(), anchor=(0, 0.5))
        label.setFont(self.plot.getAxis("bottom").label.font())
        label.setPos(low, -0.8)
        self.plot.addItem(label)

    def _draw_span(self, mark: TimelineMark, lane: Lane, y: int, colour: str) -> None:
        row, kind, span = mark.row, lane.kind, lane.span
        lane_y = y + LANES[kind]
        slug = row.treatment.slug
        self._spans[slug][kind] = None
        if span is None:
            if not mark.unknown:  # the other lane has a bar: say this one is unknown
                self._add_text(row, lane.words, 0.3, lane_y, muted=True)
            return
        words = lane.words
        tip = self._tip(row, words, onset=kind == "onset")
        click = partial(self._emit_provenance, row)
        pen = pg.mkPen(colour, width=2)
        if span[0] == span[1]:
            item: pg.GraphicsObject = pg.ScatterPlotItem(
                [span[0]], [lane_y], symbol="|", size=34, pen=pg.mkPen(colour, width=4),
                brush=pg.mkBrush(colour), hoverable=True, tip=lambda **_: tip,
            )  # fmt: skip
            item.sigClicked.connect(lambda *_: click())
        else:
            brush: QBrush | QColor = QColor(colour)
            if kind == "duration":
                # Benefit is present from when it starts until the shortest stated duration
                # (solid), and may last until the longest (lighter, cross-hatched): never a
                # bar that begins at the shortest duration as if benefit started there.
                if mark.start < span[0]:
                    self.plot.addItem(
                        pg.BarGraphItem(x0=[mark.start], x1=[span[0]], y=[lane_y],
                                        height=BAR_HEIGHT, pen=pen, brush=QColor(colour))
                    )  # fmt: skip
                light = QColor(colour)
                light.setAlpha(90)
                self.plot.addItem(
                    pg.BarGraphItem(x0=[span[0]], x1=[span[1]], y=[lane_y], height=BAR_HEIGHT,
                                    pen=None, brush=light)
                )  # fmt: skip
                brush = QBrush(QColor(colour), Qt.BrushStyle.Dense5Pattern)
            if kind == "onset":  # lighter and hatched: a light fill under a hatch pattern
                light = QColor(colour)
                light.setAlpha(60)
                self.plot.addItem(
                    pg.BarGraphItem(x0=[span[0]], x1=[span[1]], y=[lane_y], height=BAR_HEIGHT,
                                    pen=None, brush=light)
                )  # fmt: skip
                brush = QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern)
            item = _SpanBar(
                click, x0=[span[0]], x1=[span[1]], y=[lane_y], height=BAR_HEIGHT,
                pen=pen, brush=brush,
            )  # fmt: skip
            item.setToolTip(tip)
        self._spans[slug][kind] = item
        self.plot.addItem(item)
        self._add_text(row, words, span[1], lane_y, gap=True)

    def _add_text(
        self,
        row: TimelineRow,
        text: str,
        x: float,
        y: float,
        *,
        bold: bool = False,
        muted: bool = False,
        gap: bool = False,
    ) -> None:
        colour = QColor(fg())
        if muted:
            colour.setAlpha(170)
        item = pg.TextItem(("  " if gap else "") + text, color=colour, anchor=(0, 0.5))
        font = self.plot.getAxis("bottom").label.font()
        font.setBold(bold)
        font.setItalic(muted)
        item.setFont(font)
        item.setPos(x, y)
        item.row_slug = row.treatment.slug
        self.plot.addItem(item)

    def _tip(self, row: TimelineRow, words: str, *, onset: bool) -> str:
        tf = row.treatment.timeframe
        if self._plain:
            what = tf.plain_course if onset else tf.plain_duration_of_effect
        else:
            what = tf.course if onset else tf.duration_of_effect
        sources = "\n".join(f"• {s.citation[:90]}" for s in timing_sources(row.treatment))
        return as_is(
            (
                f"{short_name(row.treatment, plain=self._plain)}\n{words[0].upper()}{words[1:]}\n"
                f"{what}\n"
                f"{'' if self._plain else tf.note or ''}\n{sources}\nClick for the full sources."
            ).replace("\n\n", "\n")
        )

    # --- events -------------------------------------------------------------------------------
    def _emit_provenance(self, row: TimelineRow) -> None:
        context = (
            f"{short_name(row.treatment, plain=True)}: when it may start to help"
            if self._plain
            else f"{row.treatment.name}: when benefit starts and how long it lasts"
        )
        self.sig_provenance.emit(context, timing_sources(row.treatment))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_spans"):
            self.plot_widget.setBackground(QColor(background()))
            self._style_axes()
            self.redraw()
