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

from explorer.domain.chart_words import (
    PLAIN_REGION_LABEL,
    PLAIN_UNKNOWN_ROW,
    REGION_LABEL,
    TIMELINE_PLAIN_TITLE,
    TIMELINE_PLAIN_WORDS,
    TIMELINE_TITLE,
    TIMELINE_WORDS,
    short_name,
    span_text,
    stated_bounds,
    timeline_caption,
    timing_sources,
)
from explorer.domain.charts import REASSESSMENT_WEEKS, TimelineRow, timeline_rows
from explorer.domain.models import Treatment
from explorer.domain.vocab import NOT_ESTABLISHED, PLAIN_NOT_ESTABLISHED
from explorer.ui.charts.base import PALETTE, ChartWidget, background
from explorer.ui.charts.base import foreground as fg
from explorer.ui.style import as_is

Span = tuple[float, float]
TITLE = TIMELINE_TITLE
WORDS = TIMELINE_WORDS
NOT_ESTABLISHED_TEXT = NOT_ESTABLISHED.capitalize()
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
    def redraw(self) -> None:
        self.clear_plot()
        self._spans = {}
        n = len(self._rows)
        ends = [v for r in self._rows for s in (r.onset, r.duration) if s for v in s]
        right = max(13.0, max(ends, default=0.0) * 1.7 + 1.0)
        self.plot.setXRange(0, right, padding=0)
        self.plot.setYRange(-1.15, max(n, 1) - 0.45, padding=0)
        self._draw_region()
        ticks = []
        faint = QColor(fg())
        faint.setAlpha(60)
        for y, row in enumerate(self._rows):
            colour = PALETTE[y % len(PALETTE)]
            ticks.append((y, short_name(row.treatment, plain=self._plain)))
            if y:  # a faint rule between rows, so each bar's row is clear
                self.plot.addItem(pg.InfiniteLine(y - 0.5, angle=0, pen=pg.mkPen(faint)))
            self._spans[row.treatment.slug] = {}
            if not row.established:
                unknown = PLAIN_UNKNOWN_ROW if self._plain else NOT_ESTABLISHED_TEXT
                self._add_text(row, unknown, 0.3, y, bold=True)
            for kind in ("onset", "duration"):
                span = row.onset if kind == "onset" else row.duration
                self._draw_span(row, kind, span, y, colour, established=row.established)
        self.set_axis_rows("left", ticks, 0.4)
        self.plot.showGrid(x=True, y=False, alpha=0.2)
        self.set_axis_labels(None, "Weeks since starting")
        message = ""
        if not self._rows:
            message = "No treatments to compare: add treatments to see when benefit starts."
            note = pg.TextItem(message, color=fg(), anchor=(0.5, 0.5))
            note.setFont(self.plot.getAxis("bottom").label.font())
            note.setPos(right / 2, 0.3)
            self.plot.addItem(note)
        self.set_texts(TIMELINE_PLAIN_TITLE if self._plain else TITLE, self._caption(), message)

    def _words(self) -> dict[str, str]:
        return TIMELINE_PLAIN_WORDS if self._plain else WORDS

    def _draw_region(self) -> None:
        low, high = REASSESSMENT_WEEKS
        shade = QColor(fg())
        shade.setAlpha(32)
        edge = QColor(fg())
        edge.setAlpha(90)
        self.region = pg.LinearRegionItem(
            (low, high), movable=False, brush=shade, pen=pg.mkPen(edge, width=1)
        )
        self.region.setZValue(-10)
        self.plot.addItem(self.region)
        label = pg.TextItem(
            PLAIN_REGION_LABEL if self._plain else REGION_LABEL, color=fg(), anchor=(0, 0.5)
        )
        label.setFont(self.plot.getAxis("bottom").label.font())
        label.setPos(low, -0.8)
        self.plot.addItem(label)

    def _draw_span(
        self,
        row: TimelineRow,
        kind: str,
        span: Span | None,
        y: int,
        colour: str,
        *,
        established: bool,
    ) -> None:
        lane = y + LANES[kind]
        slug = row.treatment.slug
        self._spans[slug][kind] = None
        if span is None:
            if established:  # the other lane has a bar: say this one is unknown
                unknown = PLAIN_NOT_ESTABLISHED.lower() if self._plain else NOT_ESTABLISHED
                self._add_text(row, f"{self._words()[kind]}: {unknown}", 0.3, lane, muted=True)
            return
        words = f"{self._words()[kind]}: {span_text(span, kind, stated_bounds(row, kind))}"
        tip = self._tip(row, words)
        click = partial(self._emit_provenance, row)
        pen = pg.mkPen(colour, width=2)
        if span[0] == span[1]:
            item: pg.GraphicsObject = pg.ScatterPlotItem(
                [span[0]], [lane], symbol="|", size=34, pen=pg.mkPen(colour, width=4),
                brush=pg.mkBrush(colour), hoverable=True, tip=lambda **_: tip,
            )  # fmt: skip
            item.sigClicked.connect(lambda *_: click())
        else:
            brush: QBrush | QColor = QColor(colour)
            if kind == "duration":
                # Benefit is present from when it starts until the shortest stated duration
                # (solid), and may last until the longest (lighter, cross-hatched): never a
                # bar that begins at the shortest duration as if benefit started there.
                start = row.onset[0] if row.onset else 0.0
                if start < span[0]:
                    self.plot.addItem(
                        pg.BarGraphItem(x0=[start], x1=[span[0]], y=[lane], height=BAR_HEIGHT,
                                        pen=pen, brush=QColor(colour))
                    )  # fmt: skip
                light = QColor(colour)
                light.setAlpha(90)
                self.plot.addItem(
                    pg.BarGraphItem(x0=[span[0]], x1=[span[1]], y=[lane], height=BAR_HEIGHT,
                                    pen=None, brush=light)
                )  # fmt: skip
                brush = QBrush(QColor(colour), Qt.BrushStyle.Dense5Pattern)
            if kind == "onset":  # lighter and hatched: a light fill under a hatch pattern
                light = QColor(colour)
                light.setAlpha(60)
                self.plot.addItem(
                    pg.BarGraphItem(x0=[span[0]], x1=[span[1]], y=[lane], height=BAR_HEIGHT,
                                    pen=None, brush=light)
                )  # fmt: skip
                brush = QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern)
            item = _SpanBar(
                click, x0=[span[0]], x1=[span[1]], y=[lane], height=BAR_HEIGHT,
                pen=pen, brush=brush,
            )  # fmt: skip
            item.setToolTip(tip)
        self._spans[slug][kind] = item
        self.plot.addItem(item)
        self._add_text(row, words, span[1], lane, gap=True)

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

    def _tip(self, row: TimelineRow, words: str) -> str:
        tf = row.treatment.timeframe
        onset = words.startswith(self._words()["onset"])
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

    def _caption(self) -> str:
        return timeline_caption(self._rows, plain=self._plain)

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
