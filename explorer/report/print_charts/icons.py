"""'Out of 100 people', printed: both counts in words first ("55 out of 100 — …",
"45 out of 100 — not"; for patients led by words for the number: "About half: 55 out of
100 — …", "The others: 45 out of 100 — this was not so"), each beside the figure that
stands for it, then the people as a grid in reading order (filled: the figure's people;
hollow: the others), then the small print: flags, the evidence check, rounding, what the
figure counts, and its source.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QTextDocument

from explorer.domain.chart_words import format_number
from explorer.domain.charts import IconCounts
from explorer.domain.icon_spec import IconArraySpec, icon_spec
from explorer.domain.models import Statistic
from explorer.report.print_charts.figure import (
    INK,
    WHITE,
    Figure,
    PrintChart,
    Sizes,
    draw_text,
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
    spec = icon_spec(statistic, kb_version, plain=plain, per=per, printed=True)
    return draw_icons(spec, plain=plain)


def draw_icons(spec: IconArraySpec, *, plain: bool) -> PrintChart:
    """Draw a people-out-of-100 spec for paper: the key in words, then the people as a grid
    (or one stacked bar, or the words alone, as the spec's shape says)."""
    sizes = sizes_for(plain)
    figure = Figure(sizes)
    figure.title(spec.title)
    if spec.counts is None:
        figure.text(spec.sentence, sizes.body)
        figure.text(spec.notes, sizes.small)
        return figure.chart(spec.small_print)
    key = _Key(spec, sizes, figure.inner)
    figure.drawing(key.height, key.paint, [d.toPlainText() for _f, d in key.rows])
    if spec.shape == "words":
        figure.text(spec.notes, sizes.small, bold=True)
        return figure.chart(spec.small_print)
    if spec.shape == "bar":
        bar = _Bar(spec.counts, sizes, figure.inner)
        figure.drawing(bar.height, bar.paint, bar.words())
        figure.text(spec.notes, sizes.small, bold=True, gap=sizes.small)
        return figure.chart(spec.small_print)
    grid = _Grid(spec.counts, sizes)
    # Beside the people: how to read them (in words again), then flags and rounding.
    side = QTextDocument()
    side.setDocumentMargin(0)
    side.setDefaultFont(font(sizes.small))
    side.setHtml(
        f'<p style="margin-bottom:{sizes.small}px">{html.escape(spec.how)}</p>'
        + (f"<p><b>{html.escape(spec.notes)}</b></p>" if spec.notes else "")
    )
    side.setTextWidth(figure.inner - grid.width - sizes.body)

    def paint(painter: QPainter, rect: QRectF) -> None:
        grid.paint(painter, rect)
        painter.save()
        painter.translate(rect.left() + grid.width + sizes.body, rect.top())
        side.drawContents(painter)
        painter.restore()

    figure.drawing(max(grid.height, side.size().height()), paint, [spec.how, spec.notes])
    return figure.chart(spec.small_print)


class _Key:
    """The two counts in words, largest type, each after the symbol it is drawn with."""

    def __init__(self, spec: IconArraySpec, sizes: Sizes, width: float) -> None:
        self.symbol = sizes.body * 1.1
        self.rows: list[tuple[bool, QTextDocument]] = []
        for row in spec.key:
            document = QTextDocument()
            document.setDocumentMargin(0)
            document.setDefaultFont(font(sizes.body))
            document.setHtml(f"<b>{html.escape(row.head)}</b> — {html.escape(row.words)}")
            document.setTextWidth(width - self.symbol * 1.6)
            self.rows.append((row.filled, document))
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


class _Bar:
    """The people as one bar: the figure's people filled, the others outlined, each part
    as long as its count, with the count inside where it fits."""

    def __init__(self, counts: IconCounts, sizes: Sizes, width: float) -> None:
        self.counts, self.sizes, self.width = counts, sizes, width
        self.bar_h = sizes.body * 2.2
        self.height = self.bar_h + sizes.body * 0.6

    def words(self) -> list[str]:
        return [format_number(n) for n in (self.counts.events, self.counts.others)]

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        counts, face = self.counts, font(self.sizes.body, bold=True)
        x = rect.left()
        for number, filled in ((counts.events, True), (counts.others, False)):
            part = QRectF(x, rect.top(), self.width * number / counts.per, self.bar_h)
            painter.save()
            painter.setPen(QPen(INK, 2))
            painter.setBrush(INK if filled else WHITE)
            painter.drawRect(part)
            painter.restore()
            if number >= counts.per * 0.06:
                centred = Qt.AlignmentFlag.AlignHCenter
                box = part.adjusted(0, (self.bar_h - self.sizes.body * 1.3) / 2, 0, 0)
                draw_text(
                    painter, box, format_number(number), face, centred, WHITE if filled else INK
                )
            x = part.right()
