"""The outcome forest plot, printed: one comparable group of findings (same outcome, scale,
measure and follow-up window), a row per finding with its label in words, the point and
95 % interval, the line of no difference and, where the source gives one, the smallest
difference patients notice. GRADE certainty is a marker (large filled … small hollow,
'×' not rated) and words; sources that need caution get ⚠ and a dashed ring.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPen

from explorer.domain.chart_spec import (
    MARKERS,
    ForestMark,
    Marker,
    OutcomeChartSpec,
    outcome_spec,
)
from explorer.domain.chart_words import kb_note
from explorer.domain.charts import outcome_groups
from explorer.domain.models import Treatment
from explorer.domain.vocab import Certainty
from explorer.report.print_charts.figure import (
    FAINT,
    INK,
    Figure,
    Paint,
    PrintChart,
    Scale,
    Sizes,
    dashed_ring,
    draw_axis,
    draw_cross,
    draw_marker,
    draw_text,
    font,
    grid_lines,
    sizes_for,
    text_height,
    text_width,
)

RADIUS = 11.0
"""px: the radius of a marker of the usual size (moderate and low certainty)."""


def outcome_chart(
    treatments: Sequence[Treatment],
    condition: str | None,
    condition_name: str,
    kb_version: str,
    *,
    plain: bool = False,
) -> PrintChart:
    """The most useful comparable group (the one the screen opens on), for print."""
    choice = outcome_groups(treatments, condition)
    group = choice.groups[0] if choice.groups else None
    spec = outcome_spec(choice, group, treatments, condition_name, plain=plain, printed=True)
    return draw_outcomes(spec, kb_version, plain=plain)


def draw_outcomes(spec: OutcomeChartSpec, kb_version: str | None, *, plain: bool) -> PrintChart:
    """Draw a forest-plot spec for paper (the report, and PNG/SVG export of the screen)."""
    sizes = sizes_for(plain)
    figure = Figure(sizes)
    figure.title(spec.title)
    if spec.group is None:
        figure.text(spec.nothing, sizes.body)
        return figure.chart(f"{spec.notes} {kb_note(kb_version)}".strip())
    plot = _ForestPlot(spec, sizes, figure.inner)
    figure.drawing(plot.height, plot.paint, plot.words())
    figure.key(_key(spec), sizes.small)
    small = [spec.notes, spec.sources_text, kb_note(kb_version)]
    return figure.chart(" ".join(s for s in small if s))


class _ForestPlot:
    """Labels | plot | values, one row per finding, with reference lines and the axis."""

    def __init__(self, spec: OutcomeChartSpec, sizes: Sizes, width: float) -> None:
        self.spec, self.sizes, self.width = spec, sizes, width
        self.label_font = font(sizes.body)
        self.name_font = font(sizes.body, bold=True)
        self.small = font(sizes.small)
        self.value_w = min(
            width * 0.25, max(text_width(m.value_text, self.label_font) for m in spec.marks) + 6
        )
        self.label_w = width * 0.42
        self.left = self.label_w + 24
        self.right = width - self.value_w - 16
        self.row_heights = [
            max(
                text_height(m.name, self.name_font, self.label_w)
                + text_height(self._rest(m), self.label_font, self.label_w),
                text_height(m.value_text, self.label_font, self.value_w),
            )
            + sizes.body * 0.8
            for m in spec.marks
        ]
        self.header = len(spec.lines) * QFontMetricsF(self.small).height() * 1.25 + 10
        self.scale = Scale(spec.axis.low, spec.axis.high, self.left, self.right)
        self.footer = (
            14
            + QFontMetricsF(self.label_font).height()
            + text_height(spec.axis_title, self.label_font, width)
            + QFontMetricsF(self.label_font).height() * 1.2
        )
        self.height = self.header + sum(self.row_heights) + self.footer

    @staticmethod
    def _rest(mark: ForestMark) -> str:
        return f"{mark.comparison}\n{mark.detail}"

    def words(self) -> list[str]:
        refs = [line.words for line in self.spec.lines]
        rows = [f"{m.label}\n{m.value_text}" for m in self.spec.marks]
        return [*refs, *rows, self.spec.axis_title, self.spec.side]

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.translate(rect.topLeft())
        top, bottom = self.header, self.header + sum(self.row_heights)
        ticks = self.spec.axis.ticks
        grid_lines(painter, self.scale, [v for v, _ in ticks], top, bottom)
        self._reference_lines(painter, bottom)
        y = top
        for mark, height in zip(self.spec.marks, self.row_heights, strict=True):
            self._row(painter, mark, y, height)
            y += height
        used = draw_axis(painter, self.scale, bottom, ticks, self.label_font)
        self._axis_title(painter, bottom + used + 4)
        painter.restore()

    def _reference_lines(self, painter: QPainter, bottom: float) -> None:
        middle = (self.scale.left + self.scale.right) / 2
        line_h = QFontMetricsF(self.small).height() * 1.25
        for i, line in enumerate(self.spec.lines):
            x = self.scale.x(line.value)
            pen = QPen(INK, 2.5)
            pen.setStyle(Qt.PenStyle.DashLine if line.dashed else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, i * line_h + line_h * 0.8), QPointF(x, bottom))
            # Words grow inwards from their line, each on its own line above the rows.
            align = Qt.AlignmentFlag.AlignRight if x > middle else Qt.AlignmentFlag.AlignLeft
            box = QRectF(x - 600 - 6, i * line_h, 600, line_h)
            if align == Qt.AlignmentFlag.AlignLeft:
                box = QRectF(x + 6, i * line_h, 600, line_h)
            draw_text(painter, box, line.words, self.small, align)

    def _row(self, painter: QPainter, mark: ForestMark, y: float, height: float) -> None:
        pad = self.sizes.body * 0.4
        name_h = text_height(mark.name, self.name_font, self.label_w)
        right = Qt.AlignmentFlag.AlignRight
        box = QRectF(0, y + pad, self.label_w, name_h)
        draw_text(painter, box, mark.name, self.name_font, right)
        box = QRectF(0, y + pad + name_h, self.label_w, height)
        draw_text(painter, box, self._rest(mark), self.label_font, right)
        painter.setPen(QPen(FAINT, 1.5))
        painter.drawLine(QPointF(0, y + height), QPointF(self.width, y + height))
        row = mark.row
        centre = QPointF(self.scale.x(row.value), y + height / 2)
        painter.setPen(QPen(INK, 3.5))
        for end in (row.ci_low, row.ci_high):
            if end is not None:
                x = self.scale.x(end)
                painter.drawLine(QPointF(x, centre.y()), centre)
                painter.drawLine(QPointF(x, centre.y() - 10), QPointF(x, centre.y() + 10))
        if row.caution:
            dashed_ring(painter, centre, RADIUS * mark.marker.size + 10)
        _draw_marker(painter, centre, mark.marker)
        box = QRectF(self.width - self.value_w, y + pad, self.value_w, height)
        draw_text(painter, box, mark.value_text, self.label_font)

    def _axis_title(self, painter: QPainter, y: float) -> None:
        # Centred under the plot; when too long for it, centred under the whole figure.
        title = self.spec.axis_title
        centre = (self.left + self.right) / 2
        half = min(centre, self.width - centre)
        if text_width(title, self.label_font) > 2 * half:
            centre, half = self.width / 2, self.width / 2
        height = text_height(title, self.label_font, 2 * half)
        box = QRectF(centre - half, y, 2 * half, height)
        draw_text(painter, box, title, self.label_font, Qt.AlignmentFlag.AlignHCenter)
        arrow_font = font(self.sizes.body, bold=True)
        if self.spec.lower_is_better:
            words, align = f"← {self.spec.side}", Qt.AlignmentFlag.AlignLeft
        else:
            words, align = f"{self.spec.side} →", Qt.AlignmentFlag.AlignRight
        box = QRectF(self.left, y + height, self.right - self.left, height)
        draw_text(painter, box, words, arrow_font, align)


def _draw_marker(painter: QPainter, centre: QPointF, marker: Marker) -> None:
    radius = RADIUS * marker.size
    if marker.cross:
        draw_cross(painter, centre, radius)
    else:
        draw_marker(painter, centre, radius, filled=marker.filled)


def _key(spec: OutcomeChartSpec) -> list[tuple[Paint, str]]:
    """The spec's legend: a marker per certainty, the interval whisker, the caution ring."""

    def marker(shown: Marker) -> Paint:
        return lambda painter, rect: _draw_marker(painter, rect.center(), shown)

    def whisker(painter: QPainter, rect: QRectF) -> None:
        c, half = rect.center(), rect.width() / 2 - 2
        painter.setPen(QPen(INK, 3.5))
        painter.drawLine(c - QPointF(half, 0), c + QPointF(half, 0))
        for dx in (-half, half):
            painter.drawLine(c + QPointF(dx, -8), c + QPointF(dx, 8))

    def ring(painter: QPainter, rect: QRectF) -> None:
        draw_marker(painter, rect.center(), 6, filled=True)
        dashed_ring(painter, rect.center(), 15)

    swatches = {"interval": whisker, "caution": ring}
    return [
        (marker(MARKERS[kind]) if isinstance(kind, Certainty) else swatches[kind], words)
        for kind, words in spec.legend
    ]
