"""A chart as a file of its own (PNG or SVG): the printed picture with its notes and
sources set under it. The window's chart export goes through here, so a chart exported,
printed or put in the PDF is drawn by one painter from one spec.

QtGui and QtSvg only (no widgets, pyqtgraph or numpy).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from explorer.report.print_charts.figure import PrintChart


def chart_image(chart: PrintChart, width: int) -> QImage:
    """The picture and its small print as one opaque image ``width`` px wide."""
    return chart.figure.with_text(chart.small_print).render(width)


def png_bytes(chart: PrintChart, width: int) -> bytes | None:
    """PNG data, or None when Qt could not encode the image."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not chart_image(chart, width).save(buffer, "PNG"):  # type: ignore[call-overload]
        return None
    return bytes(buffer.data().data())


def svg_bytes(chart: PrintChart, title: str) -> bytes:
    """The picture and its small print as SVG: vector lines and real text."""
    figure = chart.figure.with_text(chart.small_print)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(figure.width, figure.height))
    generator.setViewBox(QRectF(0, 0, figure.width, figure.height))
    generator.setTitle(title)
    generator.setDescription(chart.small_print)
    painter = QPainter(generator)
    figure.paint(painter)
    painter.end()
    return bytes(buffer.data().data())
