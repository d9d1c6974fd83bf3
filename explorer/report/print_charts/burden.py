"""The burden chart, printed (for PNG and SVG export of the screen's page): per figure its
label, a bar on the group's one scale (hatched when the source is not peer-reviewed; a
rank is written, never drawn), the range as a thin line, the value in words, and what the
figure counts with its source number under it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen

from explorer.domain.burden_spec import BurdenBar, BurdenSpec
from explorer.report.print_charts.figure import (
    DARK,
    FAINT,
    INK,
    WHITE,
    Figure,
    PrintChart,
    Scale,
    Sizes,
    draw_axis,
    draw_text,
    font,
    grid_lines,
    hatch,
    sizes_for,
    text_height,
    text_width,
)


def draw_burden(spec: BurdenSpec, *, plain: bool) -> PrintChart:
    """Draw a burden spec for paper."""
    sizes = sizes_for(plain)
    figure = Figure(sizes)
    figure.title(spec.title)
    if not spec.bars:
        figure.text(spec.notes, sizes.body)
        return figure.chart(spec.kb)
    bars = _Bars(spec, sizes, figure.inner)
    figure.drawing(bars.height, bars.paint, bars.words())
    small = [spec.notes, spec.sources_text, spec.kb]
    return figure.chart(" ".join(s for s in small if s))


class _Bars:
    """A row per figure: its label over the bar, the value after it, the context under it."""

    def __init__(self, spec: BurdenSpec, sizes: Sizes, width: float) -> None:
        self.spec, self.sizes, self.width = spec, sizes, width
        self.label_font = font(sizes.body)
        self.flag_font = font(sizes.body, bold=True)
        self.value_font = font(sizes.body, bold=True)
        self.context_font = font(sizes.small)
        self.bar_h = sizes.body * 1.1
        # Room left of the scale's start for half its first tick label ("0%").
        first = text_width(spec.axis.ticks[0][1], self.label_font) / 2 if spec.axis.ticks else 0
        self.scale = Scale(spec.axis.low, spec.axis.high, first + 2, width - 4)
        self.row_heights = [
            text_height(bar.label, self._face(bar), width)
            + self.bar_h * 1.5
            + text_height(self._context(bar), self.context_font, width)
            + sizes.body * 0.6
            for bar in spec.bars
        ]
        axis = 0.0 if spec.rank else 14 + QFontMetricsF(self.label_font).height() * 2.4
        self.height = sum(self.row_heights) + axis

    def _face(self, bar: BurdenBar) -> QFont:
        return self.flag_font if bar.flagged else self.label_font

    @staticmethod
    def _context(bar: BurdenBar) -> str:
        return " · ".join(bar.context) + f" · source {bar.reference}"

    def words(self) -> list[str]:
        rows = [f"{b.label}\n{b.value_text}\n{self._context(b)}" for b in self.spec.bars]
        return [*rows, *([] if self.spec.rank else [self.spec.axis_title])]

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.translate(rect.topLeft())
        bottom = sum(self.row_heights)
        if not self.spec.rank:
            grid_lines(painter, self.scale, [v for v, _ in self.spec.axis.ticks], 0, bottom)
        y = 0.0
        for bar, height in zip(self.spec.bars, self.row_heights, strict=True):
            self._row(painter, bar, y, height)
            y += height
        if not self.spec.rank:
            used = draw_axis(painter, self.scale, bottom, self.spec.axis.ticks, self.label_font)
            box = QRectF(0, bottom + used + 2, self.width, self.sizes.body * 1.4)
            draw_text(painter, box, self.spec.axis_title, self.label_font)
        painter.restore()

    def _row(self, painter: QPainter, bar: BurdenBar, y: float, height: float) -> None:
        face = self._face(bar)
        label_h = text_height(bar.label, face, self.width)
        draw_text(painter, QRectF(0, y, self.width, label_h), bar.label, face)
        top = y + label_h + self.bar_h * 0.25
        x = self.scale.x
        if bar.drawn:
            shape = QRectF(x(0.0), top, x(bar.statistic.value) - x(0.0), self.bar_h)
            if bar.flagged:  # hatched and outlined: reads as "take care" in greyscale
                painter.fillRect(shape, FAINT)
                hatch(painter, shape)
            else:
                painter.fillRect(shape, DARK)
            painter.setPen(QPen(INK, 2))
            painter.drawRect(shape)
        if (interval := bar.interval) is not None:
            middle = top + self.bar_h / 2
            for pen in (QPen(WHITE, 7), QPen(INK, 2.5)):  # a white edge: readable on the bar
                painter.setPen(pen)
                painter.drawLine(QPointF(x(interval[0]), middle), QPointF(x(interval[1]), middle))
                for end in interval:
                    painter.drawLine(QPointF(x(end), middle - 8), QPointF(x(end), middle + 8))
        value_x = x(bar.end) + 12 if bar.drawn else 0.0
        box = QRectF(value_x, top, self.width - value_x, self.bar_h * 1.3)
        draw_text(painter, box, bar.value_text, self.value_font, backed=True)
        context = self._context(bar)
        below = QRectF(0, top + self.bar_h * 1.25, self.width, height)
        draw_text(painter, below, context, self.context_font, colour=DARK)
        painter.setPen(QPen(FAINT, 1.5))
        painter.drawLine(QPointF(0, y + height - 2), QPointF(self.width, y + height - 2))
