"""The common frame of every chart: title, plot, an honest message line, a source caption,
and export to PNG and SVG through pyqtgraph's exporters (also used for print images).

Import this module only after the window's first paint: it imports pyqtgraph.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QEvent, QIODevice, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QResizeEvent,
    QShowEvent,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes

log = logging.getLogger(__name__)

# Okabe–Ito: distinguishable with colour-blindness; shapes and labels carry the same
# information, so greyscale print still reads.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
SYMBOLS = ("o", "s", "t", "d", "star", "p", "h")
FLAG_COLOUR = "#D55E00"
AXIS_POINT_SIZE = 12
TITLE_POINT_SIZE = 15
PRINT_WIDTH = 1800


_REFS = re.compile(r"^(.*?)(\s\[[^\]]*\])$")


def fit_axis(
    axis: pg.AxisItem, ticks: Sequence[tuple[float, str]], limit: int | None = None
) -> None:
    """Set ``ticks`` on a vertical axis, wide enough for its longest (multi-line) label, but
    no wider than ``limit`` px: longer lines are shortened with "…" (the full label is in
    the mark's tooltip), keeping a trailing source list "[1,2]", so the plot keeps its room
    with large type or a narrow window."""
    metrics = QFontMetrics(axis.style["tickFont"] or axis.font())
    room = None if limit is None else max(60, limit - 18)

    def fitted_line(line: str) -> str:
        if room is None or metrics.horizontalAdvance(line) <= room:
            return line
        refs = _REFS.match(line)
        if refs is None:
            return metrics.elidedText(line, Qt.TextElideMode.ElideRight, room)
        head, tail = refs.groups()
        rest = room - metrics.horizontalAdvance(tail)
        while True:  # the two parts measured apart can come out a few px wider together
            line = metrics.elidedText(head, Qt.TextElideMode.ElideRight, max(30, rest)) + tail
            if metrics.horizontalAdvance(line) <= room or rest <= 30:
                return line
            rest -= 4

    shown = [(y, "\n".join(fitted_line(line) for line in text.split("\n"))) for y, text in ticks]
    axis.setTicks([shown])
    lines = [line for _y, label in shown for line in label.split("\n")]
    axis.setWidth(max((metrics.horizontalAdvance(line) for line in lines), default=0) + 18)


def foreground() -> str:
    """Text/axis colour from the current palette (light and dark themes)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app.palette().color(QPalette.ColorRole.WindowText).name()
    return "#000000"


def background() -> str:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app.palette().color(QPalette.ColorRole.Base).name()
    return "#ffffff"


class ChartWidget(QWidget):
    """Base class: subclasses fill :attr:`plot` in :meth:`redraw` from their data.

    ``sig_provenance(context, sources)`` asks the window to show where a mark comes from.
    """

    sig_provenance = Signal(str, list)
    chart_name = "chart"
    MINIMUM = QSize(520, 360)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(self.MINIMUM)
        self._kb_version: str | None = None
        self._axis_rows: dict[str, tuple[list[tuple[float, str]], float | None]] = {}
        self._plain = False
        self.title = QLabel(self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(max(TITLE_POINT_SIZE, self.font().pointSizeF() * 1.15))
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names from the knowledge base
        self.plot_widget = pg.PlotWidget(self, background=background())
        self.plot_widget.setAccessibleName(self.accessible_name())
        self.plot = self.plot_widget.getPlotItem()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setMouseEnabled(x=False, y=False)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(f"{self.accessible_name()}: note")
        self.message.setStyleSheet(f"color: {FLAG_COLOUR};")
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setAccessibleName(f"{self.accessible_name()}: sources")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.caption)
        self._style_axes()
        self.fit_plot_height()

    def fit_plot_height(self) -> None:
        """The plot's minimum height for the current type size: never squeezed to a strip
        by the notes below it (in the window the page scrolls instead)."""
        self.plot_widget.setMinimumHeight(self.minimum_plot_height())

    def minimum_plot_height(self) -> int:
        return max(240, 12 * self.fontMetrics().lineSpacing())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "plot_widget"):
            self.fit_plot_height()
            self.fit_axis_labels()

    # --- row labels on vertical axes, fitted to the width --------------------------------
    def set_axis_rows(self, side: str, ticks: list[tuple[float, str]], share: float | None) -> None:
        """Row labels for the vertical axis ``side``, at most ``share`` of the plot's width
        (None: never shortened); refitted on resize, font change and export."""
        self._axis_rows[side] = (ticks, share)
        self.fit_axis_labels()

    def fit_axis_labels(self) -> None:
        if not getattr(self, "_axis_rows", None):
            return
        # on screen the widget's width; for an export of a hidden chart the plot's own size
        width = self.plot_widget.width() if self.isVisible() else self.plot.width()
        for side, (ticks, share) in self._axis_rows.items():
            limit = int(width * share) if share is not None and width > 100 else None
            fit_axis(self.plot.getAxis(side), ticks, limit)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_axis_labels()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_axis_labels()

    def accessible_name(self) -> str:
        return self.chart_name.capitalize()

    def axis_point_size(self) -> float:
        """12 pt, or the widget's own type size when that is larger (patient mode: 14 pt+)."""
        return max(float(AXIS_POINT_SIZE), self.font().pointSizeF())

    # --- common look ------------------------------------------------------------------------
    def _style_axes(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(self.axis_point_size())
        pen = pg.mkPen(foreground())
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTickFont(font)
            axis.setPen(pen)
            axis.setTextPen(pen)
            axis.label.setFont(font)

    def set_axis_labels(self, left: str | None, bottom: str | None, *, rich: bool = False) -> None:
        """Axis titles: plain text (escaped here, as pyqtgraph lays labels out as HTML), or
        with ``rich`` HTML whose words the caller escaped."""
        style = {"color": foreground(), "font-size": f"{self.axis_point_size():g}pt"}
        for side, text in (("left", left or ""), ("bottom", bottom or "")):
            self.plot.setLabel(side, text if rich else html.escape(text), **style)

    def set_kb_version(self, version: str | None) -> None:
        self._kb_version = version
        self.redraw()

    def set_plain(self, plain: bool) -> None:
        """Clinician or plain-language wording (patients); redraws."""
        self._plain = plain
        self.redraw()

    def set_texts(self, title: str, caption: str, message: str = "") -> None:
        """Title above, an honest note (refusals, flags) and the source caption below."""
        self.title.setText(title)
        suffix = f" Knowledge base {self._kb_version}." if self._kb_version else ""
        self.caption.setText(caption + suffix)
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def clear_plot(self) -> None:
        self.plot.clear()
        self._axis_rows.clear()

    def redraw(self) -> None:  # pragma: no cover - every chart overrides it
        raise NotImplementedError

    # --- export -------------------------------------------------------------------------------
    def _prepare_for_export(self, width: int) -> None:
        # A plot that was never shown exports with tiny axis text unless it has a size.
        if not self.isVisible():
            self.resize(max(self.width(), 900), max(self.height(), 600))
            self.plot.resize(
                max(self.plot_widget.width(), 880), max(self.plot_widget.height(), 520)
            )
        self.fit_axis_labels()
        self.plot.layout.activate()  # a hidden plot lays out only on demand: now

    def export_png(self, path: Path, width: int = PRINT_WIDTH) -> Path:
        """Write a PNG atomically (no half-written file, an existing one kept on failure)."""
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not self.render_image(width).save(buffer, "PNG"):
            raise UserFacingError(f"Could not draw the chart for {path}; nothing was written.")
        atomic_write_bytes(path, bytes(buffer.data().data()))
        return path

    def export_svg(self, path: Path) -> Path:
        atomic_write_bytes(path, self.svg_bytes())
        return path

    # An exported chart must carry what the screen shows around the plot: the title, the
    # honest note and the sources with the knowledge-base version.
    def _texts(self, width: float) -> tuple[QTextDocument, QTextDocument, QTextDocument]:
        title_px, body_px = max(14, round(width / 45)), max(11, round(width / 70))
        documents = []
        for text, px, colour, bold in (
            (self.title.text(), title_px, foreground(), True),
            (self.message.text(), body_px, FLAG_COLOUR, False),
            (self.caption.text(), body_px, foreground(), False),
        ):
            document = QTextDocument()
            font = QFont(self.font())
            font.setPixelSize(px)
            font.setBold(bold)
            document.setDefaultFont(font)
            document.setDefaultStyleSheet(f"body {{ color: {colour}; }}")
            document.setHtml(f"<body>{html.escape(text)}</body>" if text else "")
            document.setTextWidth(width - 2 * self._margin(width))
            documents.append(document)
        return documents[0], documents[1], documents[2]

    @staticmethod
    def _margin(width: float) -> float:
        return max(8.0, width / 90)

    def _compose(
        self,
        painter: QPainter,
        width: float,
        plot_height: float,
        draw_plot: Callable[[QRectF], None],
    ) -> None:
        margin = self._margin(width)
        title, note, caption = self._texts(width)
        y = margin
        for document, before_plot in ((title, True), (note, False), (caption, False)):
            if not before_plot and y < margin + title.size().height() + plot_height:
                y = margin + title.size().height() + plot_height + margin / 2
            if document.isEmpty():
                continue
            painter.save()
            painter.translate(margin, y)
            document.drawContents(painter)
            painter.restore()
            y += document.size().height()
            if before_plot:
                draw_plot(QRectF(0, y, width, plot_height))
                y += plot_height

    def _composed_height(self, width: float, plot_height: float) -> int:
        title, note, caption = self._texts(width)
        margin = self._margin(width)
        texts = sum(d.size().height() for d in (title, note, caption) if not d.isEmpty())
        return int(texts + plot_height + 2.5 * margin)

    def render_image(self, width: int = PRINT_WIDTH) -> QImage:
        """Title, plot, note and sources as one opaque RGB image (PDF/A forbids
        transparency), at print resolution: what PNG export, print and PDF use."""
        self._prepare_for_export(width)
        exporter = ImageExporter(self.plot)
        exporter.parameters()["width"] = width
        plot = exporter.export(toBytes=True).convertToFormat(QImage.Format.Format_RGB32)
        image = QImage(
            width, self._composed_height(width, plot.height()), QImage.Format.Format_RGB32
        )
        image.fill(QColor(background()))
        painter = QPainter(image)
        self._compose(
            painter, width, plot.height(), lambda rect: painter.drawImage(rect.topLeft(), plot)
        )
        painter.end()
        return image

    def svg_bytes(self) -> bytes:
        """The chart as SVG (vector), with its title, note and sources.

        Drawn with Qt's SVG generator: pyqtgraph 0.14's SVG exporter cannot parse the path
        syntax Qt 6.11 writes (pyqtgraph issue #3485), and it exports the plot alone.
        """
        from PySide6.QtSvg import QSvgGenerator

        self._prepare_for_export(PRINT_WIDTH)
        source = self.plot.sceneBoundingRect()
        width = source.width()
        height = self._composed_height(width, source.height())
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(int(width), height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setTitle(self.title.text() or self.chart_name)
        generator.setDescription(self.caption.text())
        painter = QPainter(generator)
        painter.fillRect(QRectF(0, 0, width, height), QColor(background()))
        self._compose(
            painter,
            width,
            source.height(),
            lambda rect: self.plot.scene().render(painter, rect, source),
        )
        painter.end()
        return bytes(buffer.data().data())
