"""The common frame of every chart: title, plot, an honest message line, a source caption,
and export to PNG and SVG through the printed chart (:mod:`explorer.report.print_charts`),
drawn from the same spec as the screen.

Import this module only after the window's first paint: it imports pyqtgraph.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QImage,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from explorer.domain.chart_spec import Axis
from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes
from explorer.report.print_charts import PrintChart
from explorer.report.print_charts.export import chart_image, png_bytes, svg_bytes

log = logging.getLogger(__name__)

# Okabe–Ito: distinguishable with colour-blindness; shapes and labels carry the same
# information, so greyscale print still reads.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
SYMBOLS = ("o", "s", "t", "d", "star", "p", "h")
FLAG_COLOUR = "#D55E00"
AXIS_POINT_SIZE = 12
TITLE_POINT_SIZE = 15
EXPORT_WIDTH = 1800


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
        self._value_axis: Axis | None = None
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
        self.plot.getViewBox().sigResized.connect(lambda *_: self._fit_value_axis())

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

    def set_value_axis(self, axis: Axis | None) -> None:
        """The bottom axis's range and ticks from a spec (None: pyqtgraph's own), thinned
        to what fits the plot's width on resize and font change."""
        self._value_axis = axis
        self.plot.getAxis("bottom").setTicks(None if axis is None else [list(axis.ticks)])
        self.fit_axis_labels()

    def _fit_value_axis(self) -> None:
        axis = getattr(self, "_value_axis", None)
        width = self.plot.getViewBox().width()
        if axis is None or width < 50:
            return
        bottom = self.plot.getAxis("bottom")
        metrics = QFontMetrics(bottom.style["tickFont"] or bottom.font())
        widest = max((metrics.horizontalAdvance(label) for _v, label in axis.ticks), default=0)
        bottom.setTicks([list(axis.fitted(width, widest))])

    def fit_axis_labels(self) -> None:
        self._fit_value_axis()
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
        self._value_axis = None

    def redraw(self) -> None:  # pragma: no cover - every chart overrides it
        raise NotImplementedError

    # --- export -------------------------------------------------------------------------------
    def print_chart(self) -> PrintChart:  # pragma: no cover - every chart overrides it
        """The chart as it is now, drawn for paper from the same spec as the screen."""
        raise NotImplementedError

    def export_png(self, path: Path, width: int = EXPORT_WIDTH) -> Path:
        """Write a PNG atomically (no half-written file, an existing one kept on failure)."""
        data = png_bytes(self.print_chart(), width)
        if data is None:
            raise UserFacingError(f"Could not draw the chart for {path}; nothing was written.")
        atomic_write_bytes(path, data)
        return path

    def export_svg(self, path: Path) -> Path:
        atomic_write_bytes(path, self.svg_bytes())
        return path

    def render_image(self, width: int = EXPORT_WIDTH) -> QImage:
        """The chart as exported: the printed picture with its notes and sources under it,
        one opaque RGB image (PDF/A forbids transparency) ``width`` px wide."""
        return chart_image(self.print_chart(), width)

    def svg_bytes(self) -> bytes:
        """The chart as SVG (vector), with its title, notes and sources."""
        return svg_bytes(self.print_chart(), self.title.text() or self.chart_name)
