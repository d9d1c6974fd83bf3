"""What every printed chart shares: a white image the width of the report's text column,
built from stacked blocks (title, drawing, key, notes, sources); type sizes for the two
report variants; word-wrapped text; a numeric axis with the spec's ticks; and marks that read
in greyscale (filled or hollow, hatched or solid, and always a label beside them).

QtGui only: the headless export must load neither widgets, pyqtgraph nor numpy.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QTextDocument

PRINT_WIDTH = 1200
"""px: ~180 dpi across the 640-px-wide chart slot of the report (about 170 mm of A4)."""
FONT_FAMILY = "DejaVu Sans"  # the report's own font, so chart and text match on paper

INK = QColor("#000000")
DARK = QColor("#3a3a3a")
MID = QColor("#767676")
LIGHT = QColor("#bdbdbd")
FAINT = QColor("#dcdcdc")
SHADE = QColor("#ededed")
WHITE = QColor("#ffffff")

TEXT_FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap

Paint = Callable[[QPainter, QRectF], None]


@dataclass(frozen=True)
class PrintChart:
    """A chart for the report: the picture, the small print that goes under it as text
    (notes, sources with their kinds, knowledge-base version: searchable and sharp in the
    PDF), and every word written in the picture (what tests and screen readers can check).
    ``figure`` draws it again, at any size or into SVG (:mod:`.export`)."""

    image: QImage
    small_print: str
    words: tuple[str, ...]
    figure: Figure = field(compare=False, repr=False)


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes of type and gaps. At 1200 px for ~170 mm, 2.5 px is about 1 pt:
    clinician text ~10 pt (small print ~9 pt), patient text ~14 pt (small print ~11 pt)."""

    title: int
    body: int
    small: int
    margin: int
    plain: bool

    @property
    def line(self) -> float:
        return self.body * 1.3


CLINICIAN = Sizes(title=34, body=26, small=23, margin=14, plain=False)
PATIENT = Sizes(title=44, body=36, small=29, margin=14, plain=True)


def sizes_for(plain: bool) -> Sizes:
    return PATIENT if plain else CLINICIAN


def font(px: int, *, bold: bool = False, italic: bool = False) -> QFont:
    result = QFont(FONT_FAMILY)
    result.setPixelSize(px)
    result.setBold(bold)
    result.setItalic(italic)
    return result


def text_height(text: str, face: QFont, width: float) -> float:
    """Height of ``text`` word-wrapped to ``width``."""
    return QFontMetricsF(face).boundingRect(QRectF(0, 0, width, 1e6), TEXT_FLAGS, text).height()


def text_width(text: str, face: QFont) -> float:
    return max(
        (QFontMetricsF(face).horizontalAdvance(line) for line in text.split("\n")), default=0
    )


def draw_text(
    painter: QPainter,
    rect: QRectF,
    text: str,
    face: QFont,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    colour: QColor = INK,
    *,
    backed: bool = False,
) -> None:
    """Word-wrapped text in ``rect``; ``backed`` clears the space under the words first
    (text that crosses a shaded band or a reference line stays readable)."""
    flags = align | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
    painter.save()
    painter.setFont(face)
    if backed:
        used = QFontMetricsF(face).boundingRect(rect, flags, text)
        painter.fillRect(used.adjusted(-4, 0, 4, 0), WHITE)
    painter.setPen(colour)
    painter.drawText(rect, flags, text)
    painter.restore()


class Figure:
    """A chart image assembled top to bottom; :meth:`render` sizes it to its content."""

    def __init__(self, sizes: Sizes, width: int = PRINT_WIDTH) -> None:
        self.sizes = sizes
        self.width = width
        self._blocks: list[tuple[float, Paint]] = []
        self.words: list[str] = []

    @property
    def inner(self) -> float:
        """Width available to blocks, inside the margins."""
        return self.width - 2 * self.sizes.margin

    def paragraph(self, rich: str, px: int, *, bold: bool = False, gap: float = 0.0) -> None:
        """A word-wrapped paragraph of simple rich text (``<b>``, ``<i>``), in black."""
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(font(px, bold=bold))
        document.setDefaultStyleSheet("body { color: #000000; }")
        document.setHtml(f"<body>{rich}</body>")
        document.setTextWidth(self.inner)
        self.words.append(document.toPlainText())

        def paint(painter: QPainter, rect: QRectF) -> None:
            painter.save()
            painter.translate(rect.left(), rect.top() + gap)
            document.drawContents(painter)
            painter.restore()

        self._blocks.append((document.size().height() + gap, paint))

    def text(self, words: str, px: int, *, bold: bool = False, gap: float = 0.0) -> None:
        """A plain-text paragraph (escaped); nothing is added for empty text."""
        if words.strip():
            self.paragraph(html.escape(words), px, bold=bold, gap=gap)

    def title(self, words: str) -> None:
        self.text(words, self.sizes.title, bold=True)
        self.space(self.sizes.body * 0.4)

    def drawing(self, height: float, paint: Paint, words: Sequence[str] = ()) -> None:
        """A block painted by ``paint``; ``words`` are the texts it writes."""
        self._blocks.append((height, paint))
        self.words.extend(words)

    def key(self, items: Sequence[tuple[Paint, str]], px: int) -> None:
        """A key of swatches with their words, wrapped over as many lines as needed."""
        face = font(px)
        gap = px * 0.5
        height = flow_key(None, QRectF(0, 0, self.inner, 0), items, face) + gap
        self.words.extend(words for _swatch, words in items)

        def paint(painter: QPainter, rect: QRectF) -> None:
            flow_key(painter, rect.adjusted(0, gap, 0, 0), items, face)

        self._blocks.append((height, paint))

    def space(self, px: float) -> None:
        self._blocks.append((px, lambda _painter, _rect: None))

    def chart(self, small_print: str) -> PrintChart:
        return PrintChart(self.render(), small_print, tuple(self.words), self)

    def with_text(self, words: str) -> Figure:
        """A copy with ``words`` set under the picture in small type (an exported chart
        carries its notes and sources, which the report sets as text)."""
        copy = Figure(self.sizes, self.width)
        copy._blocks, copy.words = list(self._blocks), list(self.words)
        copy.text(words, self.sizes.small, gap=self.sizes.small * 0.6)
        return copy

    @property
    def height(self) -> int:
        return math.ceil(sum(h for h, _ in self._blocks) + 2 * self.sizes.margin)

    def paint(self, painter: QPainter) -> None:
        """The blocks, top to bottom, on a white page ``width`` × ``height``."""
        painter.fillRect(QRectF(0, 0, self.width, self.height), WHITE)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        y = float(self.sizes.margin)
        for block_height, paint in self._blocks:
            paint(painter, QRectF(self.sizes.margin, y, self.inner, block_height))
            y += block_height

    def render(self, width: int | None = None) -> QImage:
        """The blocks on an opaque white RGB image (PDF/A forbids transparency), scaled to
        ``width`` px when given (drawn again at that size, not resampled)."""
        scale = (width or self.width) / self.width
        image = QImage(
            round(self.width * scale), math.ceil(self.height * scale), QImage.Format.Format_RGB32
        )
        image.fill(WHITE)
        painter = QPainter(image)
        painter.scale(scale, scale)
        self.paint(painter)
        painter.end()
        return image


# --- axes ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    """Data values to pixels along x: ``low`` at ``left``, ``high`` at ``right``."""

    low: float
    high: float
    left: float
    right: float

    def x(self, value: float) -> float:
        return self.left + (value - self.low) / (self.high - self.low) * (self.right - self.left)


def draw_axis(
    painter: QPainter,
    scale: Scale,
    y: float,
    ticks: Sequence[tuple[float, str]],
    face: QFont,
) -> float:
    """A baseline with tick marks and their labels under it; returns the height used."""
    painter.save()
    painter.setPen(QPen(INK, 2))
    painter.drawLine(QPointF(scale.left, y), QPointF(scale.right, y))
    height = QFontMetricsF(face).height()
    for value, label in ticks:
        x = scale.x(value)
        painter.drawLine(QPointF(x, y), QPointF(x, y + 8))
        rect = QRectF(x - 80, y + 10, 160, height)
        draw_text(painter, rect, label, face, Qt.AlignmentFlag.AlignHCenter)
    painter.restore()
    return 12 + height


def grid_lines(
    painter: QPainter, scale: Scale, ticks: Sequence[float], top: float, bottom: float
) -> None:
    painter.save()
    painter.setPen(QPen(FAINT, 1.5))
    for value in ticks:
        x = scale.x(value)
        painter.drawLine(QPointF(x, top), QPointF(x, bottom))
    painter.restore()


# --- marks -----------------------------------------------------------------------------------
def hatch(painter: QPainter, rect: QRectF, colour: QColor = INK, spacing: float = 11) -> None:
    """Diagonal lines across ``rect`` (drawn, not a brush pattern, so they print evenly)."""
    painter.save()
    painter.setClipRect(rect)
    painter.setPen(QPen(colour, 2))
    x = rect.left() - rect.height()
    while x < rect.right():
        painter.drawLine(QPointF(x, rect.bottom()), QPointF(x + rect.height(), rect.top()))
        x += spacing
    painter.restore()


def draw_marker(painter: QPainter, centre: QPointF, radius: float, *, filled: bool) -> None:
    """A round marker, filled black or hollow (white inside a thick black ring)."""
    painter.save()
    painter.setPen(QPen(INK, 3))
    painter.setBrush(INK if filled else WHITE)
    painter.drawEllipse(centre, radius, radius)
    painter.restore()


def draw_cross(painter: QPainter, centre: QPointF, radius: float) -> None:
    painter.save()
    painter.setPen(QPen(INK, 4))
    for dx in (-radius, radius):
        painter.drawLine(centre + QPointF(-dx, -radius), centre + QPointF(dx, radius))
    painter.restore()


def dashed_ring(painter: QPainter, centre: QPointF, radius: float) -> None:
    painter.save()
    pen = QPen(INK, 2.5)
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(centre, radius, radius)
    painter.restore()


def flow_key(
    painter: QPainter | None,
    rect: QRectF,
    items: Sequence[tuple[Paint, str]],
    face: QFont,
) -> float:
    """A key of (swatch, words) items laid out left to right, wrapping; returns its height.

    With ``painter`` None it only measures (to size the block before painting).
    """
    metrics = QFontMetricsF(face)
    line = metrics.height() * 1.4
    swatch = metrics.height() * 1.6
    x, y = rect.left(), rect.top()
    for draw_swatch, words in items:
        width = swatch + 10 + metrics.horizontalAdvance(words) + 30
        if x > rect.left() and x + width > rect.right():
            x, y = rect.left(), y + line
        if painter is not None:
            painter.save()
            draw_swatch(painter, QRectF(x, y + 3, swatch, metrics.height() - 6))
            painter.restore()
            draw_text(painter, QRectF(x + swatch + 10, y, width, line), words, face)
        x += width
    return y + line - rect.top()
