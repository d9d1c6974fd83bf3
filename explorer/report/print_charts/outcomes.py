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

from explorer.domain.chart_words import (
    MCID_LABEL,
    NO_DIFFERENCE,
    NO_NULL_LINE,
    NOTHING_TO_PLOT,
    axis_words,
    fmt,
    interval_text,
    mcid_threshold,
    numbered_sources,
    short_name,
)
from explorer.domain.charts import ForestRow, OutcomeGroup, outcome_groups
from explorer.domain.comparison import certainty_text
from explorer.domain.models import SourceRef, Treatment
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
    nice_ticks,
    sizes_for,
    text_height,
    text_width,
)

# GRADE certainty -> (marker radius in px, filled); "not rated" is drawn as a cross.
MARKERS = {
    Certainty.HIGH: (15.0, True),
    Certainty.MODERATE: (11.0, True),
    Certainty.LOW: (11.0, False),
    Certainty.VERY_LOW: (7.5, False),
    Certainty.NOT_RATED: (10.0, True),
}


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
    sizes = sizes_for(plain)
    figure = Figure(sizes)
    if group is None:
        figure.title(f"Effects on outcomes — {condition_name}")
        figure.text(NOTHING_TO_PLOT, sizes.body)
        return figure.chart(f"{choice.refusal(None, printed=True)} Knowledge base {kb_version}.")
    figure.title(f"Effects on {group.key.outcome} — {condition_name}")
    numbers = {s: n for n, s in enumerate(_sources(group.rows), start=1)}
    plot = _ForestPlot(group, numbers, sizes, figure.inner)
    figure.drawing(plot.height, plot.paint, plot.words())
    figure.key(_key(sizes), sizes.small)
    notes = [choice.refusal(group, group.key.outcome, printed=True)]
    if group.key.measure not in NO_DIFFERENCE:
        notes.append(NO_NULL_LINE)
    sources = f"Sources: {numbered_sources(numbers)}. Knowledge base {kb_version}."
    return figure.chart(" ".join([*(n for n in notes if n), sources]))


def _sources(rows: Sequence[ForestRow]) -> list[SourceRef]:
    return list(dict.fromkeys(s for row in rows for s in row.sources))


class _ForestPlot:
    """Labels | plot | values, one row per finding, with reference lines and the axis."""

    def __init__(
        self, group: OutcomeGroup, numbers: dict[SourceRef, int], sizes: Sizes, width: float
    ) -> None:
        self.group, self.sizes, self.width = group, sizes, width
        self.label_font = font(sizes.body)
        self.name_font = font(sizes.body, bold=True)
        self.small = font(sizes.small)
        self.labels = [self._label(row, numbers) for row in group.rows]
        self.values = [f"{fmt(row.value)}\n{interval_text(row)}" for row in group.rows]
        self.value_w = min(
            width * 0.25, max(text_width(v, self.label_font) for v in self.values) + 6
        )
        self.label_w = width * 0.42
        self.left = self.label_w + 24
        self.right = width - self.value_w - 16
        self.row_heights = [
            max(
                text_height(name, self.name_font, self.label_w)
                + text_height(rest, self.label_font, self.label_w),
                text_height(value, self.label_font, self.value_w),
            )
            + sizes.body * 0.8
            for (name, rest), value in zip(self.labels, self.values, strict=True)
        ]
        self.threshold = mcid_threshold(group)
        null = NO_DIFFERENCE.get(group.key.measure)
        self.lines: list[tuple[float, str, Qt.PenStyle]] = []
        if null is not None:
            self.lines.append((null, "no difference", Qt.PenStyle.SolidLine))
        if self.threshold is not None:
            self.lines.append((self.threshold, MCID_LABEL, Qt.PenStyle.DashLine))
        self.header = len(self.lines) * QFontMetricsF(self.small).height() * 1.25 + 10
        self.scale = self._scale()
        self.axis_title, self.side = axis_words(group, plain=sizes.plain)
        self.footer = (
            14
            + QFontMetricsF(self.label_font).height()
            + text_height(self.axis_title, self.label_font, width)
            + QFontMetricsF(self.label_font).height() * 1.2
        )
        self.height = self.header + sum(self.row_heights) + self.footer

    def words(self) -> list[str]:
        refs = [words for _x, words, _style in self.lines]
        rows = [
            f"{name}\n{rest}\n{value}"
            for (name, rest), value in zip(self.labels, self.values, strict=True)
        ]
        return [*refs, *rows, self.axis_title, self.side]

    def _label(self, row: ForestRow, numbers: dict[SourceRef, int]) -> tuple[str, str]:
        refs = "[" + ",".join(str(numbers[s]) for s in row.sources) + "]"
        flag = "⚠ " if row.caution else ""
        certainty = certainty_text(row.certainty, plain=self.sizes.plain)
        name = flag + short_name(row.treatment, plain=self.sizes.plain)
        rest = f"vs {row.finding.comparison}\n{certainty} · {row.finding.timepoint} {refs}"
        return name, rest

    def _scale(self) -> Scale:
        rows = self.group.rows
        xs = [r.value for r in rows]
        xs += [v for r in rows for v in (r.ci_low, r.ci_high) if v is not None]
        xs += [x for x, _, _ in self.lines]
        low, high = min(xs), max(xs)
        pad = (high - low) * 0.08 or max(abs(high) * 0.1, 1.0)
        low, high = low - pad, high + pad
        if self.group.key.measure == "percent":  # a share of patients: its whole 0-100 scale
            low, high = min(low, 0.0), max(high, 100.0)
        return Scale(low, high, self.left, self.right)

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.translate(rect.topLeft())
        top, bottom = self.header, self.header + sum(self.row_heights)
        ticks = nice_ticks(self.scale.low, self.scale.high)
        grid_lines(painter, self.scale, ticks, top, bottom)
        self._reference_lines(painter, top, bottom)
        y = top
        for row, (name, rest), value, height in zip(
            self.group.rows, self.labels, self.values, self.row_heights, strict=True
        ):
            self._row(painter, row, (name, rest, value), y, height)
            y += height
        used = draw_axis(painter, self.scale, bottom, ticks, self.label_font, fmt)
        self._axis_title(painter, bottom + used + 4)
        painter.restore()

    def _reference_lines(self, painter: QPainter, top: float, bottom: float) -> None:
        middle = (self.scale.left + self.scale.right) / 2
        line_h = QFontMetricsF(self.small).height() * 1.25
        for i, (value, words, style) in enumerate(self.lines):
            x = self.scale.x(value)
            pen = QPen(INK, 2.5)
            pen.setStyle(style)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, i * line_h + line_h * 0.8), QPointF(x, bottom))
            # Words grow inwards from their line, each on its own line above the rows.
            align = Qt.AlignmentFlag.AlignRight if x > middle else Qt.AlignmentFlag.AlignLeft
            box = QRectF(x - 600 - 6, i * line_h, 600, line_h)
            if align == Qt.AlignmentFlag.AlignLeft:
                box = QRectF(x + 6, i * line_h, 600, line_h)
            draw_text(painter, box, words, self.small, align)

    def _row(
        self,
        painter: QPainter,
        row: ForestRow,
        texts: tuple[str, str, str],
        y: float,
        height: float,
    ) -> None:
        name, rest, value = texts
        pad = self.sizes.body * 0.4
        name_h = text_height(name, self.name_font, self.label_w)
        right = Qt.AlignmentFlag.AlignRight
        draw_text(painter, QRectF(0, y + pad, self.label_w, name_h), name, self.name_font, right)
        draw_text(
            painter, QRectF(0, y + pad + name_h, self.label_w, height), rest, self.label_font, right
        )
        painter.setPen(QPen(FAINT, 1.5))
        painter.drawLine(QPointF(0, y + height), QPointF(self.width, y + height))
        centre = QPointF(self.scale.x(row.value), y + height / 2)
        painter.setPen(QPen(INK, 3.5))
        for end in (row.ci_low, row.ci_high):
            if end is not None:
                x = self.scale.x(end)
                painter.drawLine(QPointF(x, centre.y()), centre)
                painter.drawLine(QPointF(x, centre.y() - 10), QPointF(x, centre.y() + 10))
        radius, filled = MARKERS[row.certainty]
        if row.caution:
            dashed_ring(painter, centre, radius + 10)
        if row.certainty is Certainty.NOT_RATED:
            draw_cross(painter, centre, radius)
        else:
            draw_marker(painter, centre, radius, filled=filled)
        box = QRectF(self.width - self.value_w, y + pad, self.value_w, height)
        draw_text(painter, box, value, self.label_font)

    def _axis_title(self, painter: QPainter, y: float) -> None:
        # Centred under the plot; when too long for it, centred under the whole figure.
        centre = (self.left + self.right) / 2
        half = min(centre, self.width - centre)
        if text_width(self.axis_title, self.label_font) > 2 * half:
            centre, half = self.width / 2, self.width / 2
        height = text_height(self.axis_title, self.label_font, 2 * half)
        box = QRectF(centre - half, y, 2 * half, height)
        draw_text(painter, box, self.axis_title, self.label_font, Qt.AlignmentFlag.AlignHCenter)
        arrow_font = font(self.sizes.body, bold=True)
        if self.group.better == "lower":
            words, align = f"← {self.side}", Qt.AlignmentFlag.AlignLeft
        else:
            words, align = f"{self.side} →", Qt.AlignmentFlag.AlignRight
        box = QRectF(self.left, y + height, self.right - self.left, height)
        draw_text(painter, box, words, arrow_font, align)


def _key(sizes: Sizes) -> list[tuple[Paint, str]]:
    """One marker per certainty, the interval whisker and the caution ring, with words."""

    def marker(certainty: Certainty) -> Paint:
        def paint(painter: QPainter, rect: QRectF) -> None:
            radius, filled = MARKERS[certainty]
            if certainty is Certainty.NOT_RATED:
                draw_cross(painter, rect.center(), radius)
            else:
                draw_marker(painter, rect.center(), radius, filled=filled)

        return paint

    def whisker(painter: QPainter, rect: QRectF) -> None:
        c, half = rect.center(), rect.width() / 2 - 2
        painter.setPen(QPen(INK, 3.5))
        painter.drawLine(c - QPointF(half, 0), c + QPointF(half, 0))
        for dx in (-half, half):
            painter.drawLine(c + QPointF(dx, -8), c + QPointF(dx, 8))

    def ring(painter: QPainter, rect: QRectF) -> None:
        draw_marker(painter, rect.center(), 6, filled=True)
        dashed_ring(painter, rect.center(), 15)

    items: list[tuple[Paint, str]] = [
        (marker(c), certainty_text(c, plain=sizes.plain)) for c in Certainty
    ]
    return [*items, (whisker, "95 % confidence interval"), (ring, "⚠ source needs caution")]
