"""The timeline, printed: per treatment, when benefit starts (hatched) and how long it was
measured to last (solid from the start to the shortest stated duration, lighter to the
longest), over the care pathway's shaded 6–12 week reassessment window. A row without
numbers says "Not established"; nothing is estimated. Words beside every bar repeat it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from explorer.domain.chart_words import (
    PLAIN_REGION_LABEL,
    PLAIN_UNKNOWN_ROW,
    REGION_LABEL,
    TIMELINE_PLAIN_TITLE,
    TIMELINE_PLAIN_WORDS,
    TIMELINE_TITLE,
    TIMELINE_WORDS,
    numbered_sources,
    short_name,
    span_text,
    stated_bounds,
    timing_sources,
)
from explorer.domain.charts import REASSESSMENT_WEEKS, TimelineRow, timeline_rows
from explorer.domain.models import Treatment
from explorer.domain.vocab import NOT_ESTABLISHED, PLAIN_NOT_ESTABLISHED
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
    nice_ticks,
    sizes_for,
    text_height,
    text_width,
)

PLAIN_TITLE = TIMELINE_PLAIN_TITLE
PLAIN_WORDS = TIMELINE_PLAIN_WORDS
PLAIN_REGION = PLAIN_REGION_LABEL
NOT_ESTABLISHED_TEXT = NOT_ESTABLISHED.capitalize()


def _notes(plain: bool) -> str:
    if plain:
        return (
            "The weeks are when studies measured the effect, not a promise for you. Where "
            "the studies give no time, the row says so; nothing is guessed."
        )
    return (
        "Weeks are the times at which trials measured effects (each treatment's timeframe "
        "note, in its details), not a forecast for one person. Where the evidence gives no "
        "time the row says so; nothing is estimated."
    )


def timeline_chart(treatments: Sequence[Treatment], kb_version: str, *, plain: bool) -> PrintChart:
    """Onset and duration of benefit per treatment, over the reassessment window."""
    rows = timeline_rows(treatments)
    sizes = sizes_for(plain)
    figure = Figure(sizes)
    figure.title(PLAIN_TITLE if plain else TIMELINE_TITLE)
    if rows:
        chart = _Timeline(rows, sizes, figure.inner)
        figure.drawing(chart.height, chart.paint, chart.words())
        figure.key(_key(plain), sizes.small)
    else:
        figure.text("No treatments to compare.", sizes.body)
    sources = numbered_sources(s for row in rows for s in timing_sources(row.treatment))
    words = "Where this comes from" if plain else "Sources"
    caption = (f"{words}: {sources}. " if sources else "") + f"Knowledge base {kb_version}."
    return figure.chart(f"{_notes(plain)} {caption}")


def _key(plain: bool) -> list[tuple[Paint, str]]:
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

    if plain:
        words = ("may start to help", "help measured", "help may last until", PLAIN_REGION)
    else:
        words = ("effect starts", "benefit measured", "may last until", REGION_LABEL)
    return list(zip((onset, solid, lighter, region), words, strict=True))


class _Timeline:
    """Treatment names on the left; two lanes per treatment (start, duration) on the right."""

    def __init__(self, rows: list[TimelineRow], sizes: Sizes, width: float) -> None:
        self.rows, self.sizes, self.width = rows, sizes, width
        self.lane_words = PLAIN_WORDS if sizes.plain else TIMELINE_WORDS
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
            max(2 * self.lane_h, text_height(self._name(r), self.name_font, self.label_w))
            + sizes.body * 0.6
            for r in rows
        ]
        self.scale = self._scale()
        self.height = self.header + sum(self.row_heights) + 14 + metrics.height() * 2.6

    def _name(self, row: TimelineRow) -> str:
        """The row label: the plain name for patients (its brackets hold the clinician's)."""
        return short_name(row.treatment, plain=self.sizes.plain)

    def words(self) -> list[str]:
        """Every text the timeline writes: names, the window, and each lane's words."""
        out = [self._region_words()]
        for row in self.rows:
            out.append(self._name(row))
            if row.established:
                out.extend(self._texts(row).values())
            else:
                out.append(self._not_established())
        return out

    def _region_words(self) -> str:
        weeks = f"{REASSESSMENT_WEEKS[0]:g}–{REASSESSMENT_WEEKS[1]:g} weeks"
        return f"{PLAIN_REGION if self.sizes.plain else REGION_LABEL}: {weeks}"

    def _not_established(self) -> str:
        return PLAIN_UNKNOWN_ROW if self.sizes.plain else NOT_ESTABLISHED_TEXT

    def _texts(self, row: TimelineRow) -> dict[str, str]:
        texts = {}
        for kind, span in (("onset", row.onset), ("duration", row.duration)):
            if span is None:
                unknown = PLAIN_NOT_ESTABLISHED.lower() if self.sizes.plain else NOT_ESTABLISHED
                texts[kind] = f"{self.lane_words[kind]}: {unknown}"
            else:
                texts[kind] = (
                    f"{self.lane_words[kind]}: {span_text(span, kind, stated_bounds(row, kind))}"
                )
        return texts

    def _scale(self) -> Scale:
        """Weeks from 0, far enough to show the reassessment window and to leave room for
        the words after every bar (the bars shrink rather than the words being cut)."""
        plot = self.right - self.left
        per_week = plot / (REASSESSMENT_WEEKS[1] + 1)
        for row in self.rows:
            texts = self._texts(row)
            for kind, span in (("onset", row.onset), ("duration", row.duration)):
                if span is not None and span[1] > 0:
                    room = plot - 14 - text_width(texts[kind], self.lane_font)
                    per_week = min(per_week, max(room, plot * 0.3) / span[1])
        return Scale(0.0, plot / per_week, self.left, self.right)

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.translate(rect.topLeft())
        top, bottom = self.header, self.header + sum(self.row_heights)
        self._region(painter, top, bottom)
        y = top
        for row, height in zip(self.rows, self.row_heights, strict=True):
            self._row(painter, row, y, height)
            y += height
        ticks = nice_ticks(0.0, self.scale.high, 8)
        used = draw_axis(painter, self.scale, bottom, ticks, self.lane_font, lambda v: f"{v:g}")
        title = "Weeks since starting"
        box = QRectF(self.left, bottom + used + 2, self.right - self.left, self.lane_h)
        draw_text(painter, box, title, self.lane_font, Qt.AlignmentFlag.AlignHCenter)
        painter.restore()

    def _region(self, painter: QPainter, top: float, bottom: float) -> None:
        low, high = (self.scale.x(w) for w in REASSESSMENT_WEEKS)
        painter.fillRect(QRectF(low, top, high - low, bottom - top), SHADE)
        painter.setPen(QPen(MID, 2, Qt.PenStyle.DashLine))
        for x in (low, high):
            painter.drawLine(QPointF(x, top - 4), QPointF(x, bottom))
        words = self._region_words()
        width = text_width(words, self.lane_font) + 4
        x = min(low, self.right - width)
        draw_text(painter, QRectF(x, 0, width, self.header), words, self.lane_font)

    def _row(self, painter: QPainter, row: TimelineRow, y: float, height: float) -> None:
        name = self._name(row)
        pad = self.sizes.body * 0.3
        draw_text(painter, QRectF(0, y + pad, self.label_w, height), name, self.name_font)
        painter.setPen(QPen(FAINT, 1.5))
        painter.drawLine(QPointF(0, y + height), QPointF(self.width, y + height))
        lanes = {"onset": y + pad, "duration": y + pad + self.lane_h}
        if not row.established:
            words = self._not_established()
            box = QRectF(self.left + 10, y + pad, self.right - self.left, height)
            draw_text(painter, box, words, font(self.sizes.body, bold=True), backed=True)
            return
        texts = self._texts(row)
        for kind, span in (("onset", row.onset), ("duration", row.duration)):
            top = lanes[kind]
            bar = QRectF(0, top + (self.lane_h - self.bar_h) / 2, 0, self.bar_h)
            if span is None:
                box = QRectF(self.left + 10, top, self.right - self.left, self.lane_h)
                draw_text(painter, box, texts[kind], self.muted_font, colour=DARK, backed=True)
                continue
            end = self._bar(painter, row, kind, span, bar)
            box = QRectF(end + 12, top + (self.lane_h - QFontMetricsF(self.lane_font).height()) / 2,
                         self.right - end, self.lane_h)  # fmt: skip
            draw_text(painter, box, texts[kind], self.lane_font, backed=True)

    def _bar(
        self, painter: QPainter, row: TimelineRow, kind: str, span: tuple[float, float], bar: QRectF
    ) -> float:
        """Draw one lane's bar; returns the x where its words may start."""
        x = self.scale.x
        painter.save()
        if kind == "onset":
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
            start = row.onset[0] if row.onset else 0.0
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
