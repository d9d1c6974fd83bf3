"""'Out of 100 people', printed: both counts in words first ("55 out of 100 — …",
"45 out of 100 — not"; for patients led by words for the number: "About half: 55 out of
100 — …", "The others: 45 out of 100 — this was not so"), each beside the figure that
stands for it, then the people as a grid in reading order (filled: the figure's people;
hollow: the others), then the small print: flags, the evidence check, rounding, what the
figure counts, and its source.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPainterPath, QPen, QTextDocument

from explorer.domain.chart_words import format_number, statistic_caption, statistic_notes
from explorer.domain.charts import IconCounts, icon_counts
from explorer.domain.models import Statistic
from explorer.report.print_charts.figure import (
    INK,
    WHITE,
    Figure,
    PrintChart,
    Sizes,
    font,
    sizes_for,
)

GRIDS = {100: (10, 10), 1000: (40, 25)}  # people out of -> (columns, rows)
GROUP = {100: (5, 5), 1000: (10, 5)}  # a little gap after every so many columns and rows


def person(rect: QRectF) -> QPainterPath:
    """A person in ``rect``: a round head over a rounded body."""
    w, h = rect.width(), rect.height()
    path = QPainterPath()
    head = min(w * 0.34, h * 0.2)
    path.addEllipse(QPointF(rect.center().x(), rect.top() + head), head, head)
    body = QRectF(rect.left() + w * 0.1, rect.top() + 2.3 * head, w * 0.8, h - 2.3 * head)
    path.addRoundedRect(body, w * 0.28, w * 0.28)
    return path


def draw_person(painter: QPainter, rect: QRectF, *, filled: bool) -> None:
    painter.save()
    painter.setPen(QPen(INK, max(2.0, rect.width() / 14)))
    painter.setBrush(INK if filled else WHITE)
    painter.drawPath(person(rect))
    painter.restore()


def icon_chart(
    statistic: Statistic, kb_version: str, *, plain: bool = True, per: int = 100
) -> PrintChart:
    """One percentage of people as people out of ``per``, framed both ways. Flags and
    rounding sit beside the people; what the figure counts and its source go under it."""
    counts = icon_counts(statistic, per)
    sizes = sizes_for(plain)
    figure = Figure(sizes)
    figure.title(f"Out of {format_number(per)} people")
    key = _Key(counts, sizes, figure.inner, plain=plain)
    figure.drawing(key.height, key.paint, [d.toPlainText() for _f, d in key.rows])
    grid = _Grid(counts, sizes)
    notes = statistic_notes(statistic, counts, plain=plain)
    # Beside the people: how to read them (in words again), then flags and rounding.
    how = (
        f"Each figure is one person. The {format_number(counts.events)} filled figures are "
        f"the {format_number(counts.events)} out of {format_number(per)}; the "
        f"{format_number(counts.others)} outlined figures are the others."
    )
    side = QTextDocument()
    side.setDocumentMargin(0)
    side.setDefaultFont(font(sizes.small))
    side.setHtml(
        f'<p style="margin-bottom:{sizes.small}px">{html.escape(how)}</p>'
        + (f"<p><b>{html.escape(notes)}</b></p>" if notes else "")
    )
    side.setTextWidth(figure.inner - grid.width - sizes.body)

    def paint(painter: QPainter, rect: QRectF) -> None:
        grid.paint(painter, rect)
        painter.save()
        painter.translate(rect.left() + grid.width + sizes.body, rect.top())
        side.drawContents(painter)
        painter.restore()

    figure.drawing(max(grid.height, side.size().height()), paint, [how, notes])
    # The clinician note stays out of the handout: the plain caption says who was counted
    # and what the count means.
    about = f" About this figure: {statistic.note}" if statistic.note and not plain else ""
    caption = statistic_caption(statistic, plain=plain)
    return figure.chart(f"{caption}{about} Knowledge base {kb_version}.")


class _Key:
    """The two counts in words, largest type, each after the symbol it is drawn with."""

    def __init__(self, counts: IconCounts, sizes: Sizes, width: float, *, plain: bool) -> None:
        self.symbol = sizes.body * 1.1
        flag = "⚠ " if counts.statistic.needs_caution else ""
        per = format_number(counts.per)
        self.rows: list[tuple[bool, QTextDocument]] = []
        (events, lead, label), (others, other_lead, other) = counts.key_rows(plain=plain)
        for filled, number, before, words in (
            (True, events, lead, f"{flag}{label}"),
            (False, others, other_lead, other),
        ):
            head = f"{before}: " if before else ""
            document = QTextDocument()
            document.setDocumentMargin(0)
            document.setDefaultFont(font(sizes.body))
            document.setHtml(
                f"<b>{html.escape(head)}{format_number(number)} out of {per}</b> — "
                f"{html.escape(words)}"
            )
            document.setTextWidth(width - self.symbol * 1.6)
            self.rows.append((filled, document))
        self.gap = sizes.body * 0.5
        self.heights = [
            max(document.size().height(), self.symbol * 1.3) + self.gap
            for _filled, document in self.rows
        ]
        self.height = sum(self.heights) + self.gap

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        y = rect.top()
        for (filled, document), height in zip(self.rows, self.heights, strict=True):
            box = QRectF(rect.left(), y + 2, self.symbol * 0.8, self.symbol * 1.2)
            draw_person(painter, box, filled=filled)
            painter.save()
            painter.translate(rect.left() + self.symbol * 1.6, y)
            document.drawContents(painter)
            painter.restore()
            y += height


class _Grid:
    """The people in reading order: the figure's people first (filled), then the others."""

    def __init__(self, counts: IconCounts, sizes: Sizes) -> None:
        self.counts = counts
        self.columns, self.rows = GRIDS[counts.per]
        self.group = GROUP[counts.per]
        # Big enough to count: ~6 mm a person on paper for 100 (patient), less for 1,000.
        base = (54.0 if sizes.plain else 44.0) if counts.per == 100 else 24.0
        self.pitch_x, self.pitch_y = base, base * 1.25
        self.spacer = base * 0.35
        self.height = self._y(self.rows) + self.spacer
        self.width = self._x(self.columns)

    def _x(self, column: int) -> float:
        return column * self.pitch_x + (column // self.group[0]) * self.spacer

    def _y(self, row: int) -> float:
        return row * self.pitch_y + (row // self.group[1]) * self.spacer

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        for i in range(self.counts.per):
            row, column = divmod(i, self.columns)
            box = QRectF(
                rect.left() + self._x(column) + self.pitch_x * 0.12,
                rect.top() + self._y(row) + self.pitch_y * 0.06,
                self.pitch_x * 0.76,
                self.pitch_y * 0.86,
            )
            draw_person(painter, box, filled=i < self.counts.events)
