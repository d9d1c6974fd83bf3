"""The timeline, printed: per treatment, when benefit starts (hatched) and how long it was
measured to last (solid from the start to the shortest stated duration, lighter to the
longest), over the care pathway's shaded 6–12 week reassessment window. A row without
numbers says "Not established"; nothing is estimated. Words beside every bar repeat it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from explorer.domain.models import Treatment
from explorer.domain.timeline_spec import Lane, TimelineMark, TimelineSpec, timeline_spec
from explorer.report.print_charts.figure import (
    DARK,
    FAINT,
    INK,
    LIGHT,
    MID,
    SHADE,
    Figure,
    Paint,
    PrintChart,
    Scale,
    Sizes,
    draw_axis,
    draw_text,
    font,
    hatch,
    sizes_for,
    text_height,
    text_width,
)


def timeline_chart(treatments: Sequence[Treatment], kb_version: str, *, plain: bool) -> PrintChart:
    """Onset and duration of benefit per treatment, over the reassessment window."""
    spec = timeline_spec(treatments, kb_version, plain=plain, printed=True)
    return draw_timeline(spec, plain=plain)


def draw_timeline(spec: TimelineSpec, *, plain: bool) -> PrintChart:
    """Draw a timeline spec for paper (the report, and PNG/SVG export of the screen)."""
    sizes = sizes_for(plain)
    figure = Figure(sizes)
    figure.title(spec.title)
    if spec.marks:
        chart = _Timeline(spec, sizes, figure.inner)
        figure.drawing(chart.height, chart.paint, chart.words())
        figure.key(_key(spec), sizes.small)
    else:
        figure.text(spec.empty, sizes.body)
    return figure.chart(spec.small_print)


def _key(spec: TimelineSpec) -> list[tuple[Paint, str]]:
    def onset(painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor("white"))
        hatch(painter, rect)
        painter.setPen(QPen(INK, 2))
        painter.drawRect(rect)

    def solid(painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, DARK)

    def lighter(painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, LIGHT)
        painter.setPen(QPen(DARK, 2))
        painter.drawRect(rect)

    def region(painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, SHADE)
        painter.setPen(QPen(MID, 2, Qt.PenStyle.DashLine))
        painter.drawLine(rect.topLeft(), rect.bottomLeft())
        painter.drawLine(rect.topRight(), rect.bottomRight())

    return list(zip((onset, solid, lighter, region), spec.legend, strict=True))


class _Timeline:
    """Treatment names on the left; two lanes per treatment (start, duration) on the right."""

    def __init__(self, spec: TimelineSpec, sizes: Sizes, width: float) -> None:
        self.spec, self.sizes, self.width = spec, sizes, width
        self.name_font = font(sizes.body, bold=True)
        self.lane_font = font(sizes.small)
        self.muted_font = font(sizes.small, italic=True)
        self.label_w = width * (0.3 if sizes.plain else 0.27)
        self.left, self.right = self.label_w + 20, width - 4
        metrics = QFontMetricsF(self.lane_font)
        self.lane_h = max(metrics.height() * 1.35, sizes.body * 1.1)
        self.bar_h = self.lane_h * 0.62
        self.header = metrics.height() * 1.5
        self.row_heights = [
            max(2 * self.lane_h, text_height(m.name, self.name_font, self.label_w))
            + sizes.body * 0.6
            for m in spec.marks
        ]
        self.scale = self._scale()
        self.height = self.header + sum(self.row_heights) + 14 + metrics.height() * 2.6

    def words(self) -> list[str]:
        """Every text the timeline writes: names, the window, and each lane's words."""
        out = [self.spec.region_words]
        for mark in self.spec.marks:
            out.append(mark.name)
            out.extend([mark.unknown] if mark.unknown else [lane.words for lane in mark.lanes])
        return out

    def _scale(self) -> Scale:
        """Weeks from 0, far enough to show the reassessment window and to leave room for
        the words after every bar (the bars shrink rather than the words being cut)."""
        plot = self.right - self.left
        per_week = plot / (self.spec.region[1] + 1)
        for mark in self.spec.marks:
            for lane in mark.lanes:
                if lane.span is not None and lane.span[1] > 0:
                    room = plot - 14 - text_width(lane.words, self.lane_font)
                    per_week = min(per_week, max(room, plot * 0.3) / lane.span[1])
        return Scale(0.0, plot / per_week, self.left, self.right)

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.translate(rect.topLeft())
        top, bottom = self.header, self.header + sum(self.row_heights)
        self._region(painter, top, bottom)
        y = top
        for mark, height in zip(self.spec.marks, self.row_heights, strict=True):
            self._row(painter, mark, y, height)
            y += height
        ticks = self.spec.axis(self.scale.high).ticks
        used = draw_axis(painter, self.scale, bottom, ticks, self.lane_font)
        title = self.spec.axis_title
        box = QRectF(self.left, bottom + used + 2, self.right - self.left, self.lane_h)
        draw_text(painter, box, title, self.lane_font, Qt.AlignmentFlag.AlignHCenter)
        painter.restore()

    def _region(self, painter: QPainter, top: float, bottom: float) -> None:
        low, high = (self.scale.x(w) for w in self.spec.region)
        painter.fillRect(QRectF(low, top, high - low, bottom - top), SHADE)
        painter.setPen(QPen(MID, 2, Qt.PenStyle.DashLine))
        for x in (low, high):
            painter.drawLine(QPointF(x, top - 4), QPointF(x, bottom))
        words = self.spec.region_words
        width = text_width(words, self.lane_font) + 4
        x = min(low, self.right - width)
        draw_text(painter, QRectF(x, 0, width, self.header), words, self.lane_font)

    def _row(self, painter: QPainter, mark: TimelineMark, y: float, height: float) -> None:
        name = mark.name
        pad = self.sizes.body * 0.3
        draw_text(painter, QRectF(0, y + pad, self.label_w, height), name, self.name_font)
        painter.setPen(QPen(FAINT, 1.5))
        painter.drawLine(QPointF(0, y + height), QPointF(self.width, y + height))
        lanes = {"onset": y + pad, "duration": y + pad + self.lane_h}
        if mark.unknown:
            box = QRectF(self.left + 10, y + pad, self.right - self.left, height)
            draw_text(painter, box, mark.unknown, font(self.sizes.body, bold=True), backed=True)
            return
        for lane in mark.lanes:
            top = lanes[lane.kind]
            bar = QRectF(0, top + (self.lane_h - self.bar_h) / 2, 0, self.bar_h)
            if lane.span is None:
                box = QRectF(self.left + 10, top, self.right - self.left, self.lane_h)
                draw_text(painter, box, lane.words, self.muted_font, colour=DARK, backed=True)
                continue
            end = self._bar(painter, mark, lane, bar)
            box = QRectF(end + 12, top + (self.lane_h - QFontMetricsF(self.lane_font).height()) / 2,
                         self.right - end, self.lane_h)  # fmt: skip
            draw_text(painter, box, lane.words, self.lane_font, backed=True)

    def _bar(self, painter: QPainter, mark: TimelineMark, lane: Lane, bar: QRectF) -> float:
        """Draw one lane's bar; returns the x where its words may start."""
        x, span = self.scale.x, lane.span
        assert span is not None
        painter.save()
        if lane.kind == "onset":
            rect = QRectF(x(span[0]), bar.top(), x(span[1]) - x(span[0]), bar.height())
            if rect.width() < 6:  # one stated time: a thick tick
                rect = QRectF(rect.left() - 4, bar.top() - 4, 8, bar.height() + 8)
                painter.fillRect(rect, INK)
            else:
                painter.fillRect(rect, QColor("white"))
                hatch(painter, rect)
                painter.setPen(QPen(INK, 2))
                painter.drawRect(rect)
        else:
            # Benefit is present from when it starts until the shortest stated duration
            # (solid) and may last until the longest (lighter): never a bar that begins at
            # the shortest duration as if benefit started there.
            start = mark.start
            solid = QRectF(x(start), bar.top(), x(span[0]) - x(start), bar.height())
            if solid.width() > 0:
                painter.fillRect(solid, DARK)
            lighter = QRectF(x(span[0]), bar.top(), x(span[1]) - x(span[0]), bar.height())
            if lighter.width() > 0:
                painter.fillRect(lighter, LIGHT)
                painter.setPen(QPen(DARK, 2))
                painter.drawRect(lighter)
            if solid.width() <= 0 and lighter.width() <= 0:
                rect = QRectF(x(span[0]) - 4, bar.top() - 4, 8, bar.height() + 8)
                painter.fillRect(rect, INK)
        painter.restore()
        return x(span[1]) + 4
