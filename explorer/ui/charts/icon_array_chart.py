"""'Out of 100 people': one percentage as people, drawn as icons, one stacked bar, or words.

The counts come from :func:`icon_counts` (whole people, always adding up to 100 or
1,000) and are always framed both ways ("55 improved; 45 not"), in big type above the
plot and in the plot's own key (so exported images carry it too). Figures that are not
peer-reviewed, or were read second-hand, are flagged with ⚠ and a footnote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from explorer.domain.burden_spec import sources_of
from explorer.domain.chart_words import format_number, plain_statistic_label, verdict_tag
from explorer.domain.charts import IconCounts, absolute_statistics, is_flagged
from explorer.domain.icon_spec import ICON_SHAPES, IconArraySpec, KeyRow, icon_spec
from explorer.domain.models import Statistic
from explorer.report.print_charts import PrintChart
from explorer.report.print_charts.icons import draw_icons
from explorer.ui.charts.base import PALETTE, TITLE_POINT_SIZE, ChartWidget, foreground
from explorer.ui.charts.burden_chart import chart_font, statistic_tooltip
from explorer.ui.window.style import as_is, esc

EVENT_COLOUR, OTHER_COLOUR = PALETTE[0], PALETTE[1]
FORMATS = ICON_SHAPES
GRIDS = {100: (10, 10), 1000: (40, 25)}  # people out of -> (columns, rows)
PITCH = 0.7  # a person is narrower than tall: columns sit closer than rows (row = 1)
FRAMING_PT = TITLE_POINT_SIZE + 2


@cache
def person_symbol() -> QPainterPath:
    """A person for scatter symbols: a round head over a rounded body, in a unit box."""
    path = QPainterPath()
    path.addEllipse(QPointF(0.0, -0.29), 0.17, 0.17)
    path.addRoundedRect(QRectF(-0.28, -0.08, 0.56, 0.56), 0.17, 0.17)
    return path


class IconArrayChart(ChartWidget):
    """One absolute figure as people out of 100 (or 1,000), always framed both ways.

    ``plotted()`` counts the people actually drawn (scatter points, bar widths or the
    written numbers), so tests check the picture, not the arithmetic.
    """

    chart_name = "icon array"

    def minimum_plot_height(self) -> int:
        # the icons scale down well: less room than a chart of rows (patient mode's type)
        return max(200, 8 * self.fontMetrics().lineSpacing())

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._statistics: list[Statistic] = []
        self._plain = False
        self._per = 100
        self._format = "icons"
        self._counts: IconCounts | None = None
        self._drawn: list[pg.GraphicsObject] = []  # [events item, others item]
        self._key: pg.TextItem | None = None
        self.figure_box = self._combo("Figure to show", [])
        self.format_box = self._combo("Show as", [(v, k) for k, v in FORMATS.items()])
        self.per_box = self._combo("People out of", [("100", 100), ("1,000", 1000)])
        controls = QHBoxLayout()
        for text, box in (("Figure:", self.figure_box), ("Show as:", self.format_box)):
            controls.addWidget(label := QLabel(text, self))
            controls.addWidget(box, 1 if box is self.figure_box else 0)
            label.setBuddy(box)
        controls.addWidget(label := QLabel("Out of:", self))
        controls.addWidget(self.per_box)
        label.setBuddy(self.per_box)
        self.framing = QLabel(self)
        self.framing.setWordWrap(True)
        self.framing.setTextFormat(Qt.TextFormat.RichText)
        self.framing.setAccessibleName("Icon array: in words")
        self.framing.setFont(chart_font(self.font(), FRAMING_PT))
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, controls)
        layout.insertWidget(2, self.framing)
        view = self.plot.getViewBox()
        view.invertY(True)
        view.disableAutoRange()
        view.sigResized.connect(self._fit)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.figure_box.currentIndexChanged.connect(lambda _i: self.redraw())
        self.format_box.currentIndexChanged.connect(
            lambda _i: self.set_format(self._chosen_format())
        )
        self.per_box.currentIndexChanged.connect(
            lambda _i: self.set_per(int(self.per_box.currentData()))
        )
        self.redraw()

    def _combo(self, name: str, items: list[tuple[str, object]]) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        for text, data in items:
            box.addItem(text, data)
        return box

    def _chosen_format(self) -> str:
        return str(self.format_box.currentData())

    # --- API ------------------------------------------------------------------------------
    def set_data(self, statistics: Sequence[Statistic]) -> None:
        """Offer the absolute percentages; start with a peer-reviewed, unchallenged one."""
        self._statistics = absolute_statistics(statistics)
        sound = [s for s in self._statistics if not is_flagged(s) and not verdict_tag(s, False)]
        first = sound[0] if sound else (self._statistics or [None])[0]
        self._fill_figure_box(first)

    def set_plain(self, plain: bool) -> None:
        """Plain words (patients): the figure list leads with words for each number."""
        self._plain = plain
        current = self.current_statistic()
        self._fill_figure_box(current)  # redraws

    def _figure_label(self, statistic: Statistic) -> str:
        return plain_statistic_label(statistic) if self._plain else statistic.label

    def _fill_figure_box(self, current: Statistic | None) -> None:
        box = self.figure_box
        box.blockSignals(True)
        box.clear()
        for statistic in self._statistics:
            label = self._figure_label(statistic)
            box.addItem(("⚠ " if statistic.needs_caution else "") + label, statistic.id)
            box.setItemData(box.count() - 1, as_is(label), Qt.ItemDataRole.ToolTipRole)
        box.setCurrentIndex(self._statistics.index(current) if current in self._statistics else -1)
        box.setMinimumContentsLength(24)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.view().setMinimumWidth(min(900, box.view().sizeHintForColumn(0) + 24))
        box.blockSignals(False)
        self.redraw()

    def select_statistic(self, statistic_id: str) -> None:
        index = self.figure_box.findData(statistic_id)
        if index < 0:
            raise ValueError(f"{statistic_id!r} is not a percentage that can be drawn as people")
        self.figure_box.setCurrentIndex(index)
        self.redraw()

    def set_per(self, per: int) -> None:
        if per not in GRIDS:
            raise ValueError("icon arrays show people out of 100 or out of 1,000")
        self._per = per
        self._set_box(self.per_box, per)

    def set_format(self, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        self._format = fmt
        self._set_box(self.format_box, fmt)

    def _set_box(self, box: QComboBox, data: object) -> None:
        box.blockSignals(True)
        box.setCurrentIndex(box.findData(data))
        box.blockSignals(False)
        self.redraw()

    def counts(self) -> IconCounts | None:
        return self._counts

    def current_statistic(self) -> Statistic | None:
        index = self.figure_box.currentIndex()
        return self._statistics[index] if 0 <= index < len(self._statistics) else None

    def plotted(self) -> tuple[int, int]:
        """(events, others) as drawn: scatter points, bar widths, or the written numbers."""
        totals = []
        for item in self._drawn:
            if isinstance(item, pg.ScatterPlotItem):
                totals.append(len(item.data))
            elif isinstance(item, pg.BarGraphItem):
                totals.append(round(float(sum(item.opts["width"]))))
            elif match := re.search(r"(\d[\d,]*) out of", item.toPlainText()):
                totals.append(int(match.group(1).replace(",", "")))
        return (totals[0], totals[1]) if len(totals) == 2 else (0, 0)

    # --- drawing --------------------------------------------------------------------------
    def spec(self, *, printed: bool = False) -> IconArraySpec:
        """What the chart shows now (figure, people out of, shape), without a renderer."""
        return icon_spec(
            self.current_statistic(), self._kb_version, plain=self._plain, per=self._per,
            shape=self._format, printed=printed,
        )  # fmt: skip

    def print_chart(self) -> PrintChart:
        return draw_icons(self.spec(printed=True), plain=self._plain)

    def redraw(self) -> None:
        self.clear_plot()
        self._drawn, self._key = [], None
        spec = self.spec()
        self._counts = counts = spec.counts
        for box in (self.figure_box, self.format_box, self.per_box):
            box.setEnabled(counts is not None)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        statistic = self.current_statistic()
        if statistic is None or counts is None:
            self.framing.setText(spec.sentence)
            empty = pg.TextItem(spec.sentence[:-1], color=foreground(), anchor=(0.5, 0.5))
            empty.setFont(chart_font(self.font(), FRAMING_PT))
            empty.setPos(0.5, 0.5)
            self.plot.addItem(empty)
            self.plot.getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            self.set_texts(spec.title, "", spec.empty)
            return
        self.framing.setText(self._framing_html(spec))
        tip = statistic_tooltip(statistic, plain=self._plain)
        getattr(self, f"_draw_{self._format}")(spec, tip)  # _draw_icons, _bar or _words
        self._fit()
        self.set_texts(spec.title, spec.small_print, spec.notes)

    def _row_html(self, row: KeyRow, swatch: bool) -> str:
        colour = EVENT_COLOUR if row.filled else OTHER_COLOUR
        head = f"{'■ ' if swatch else ''}{row.head}"
        return (
            f'<span style="color:{colour}; font-weight:bold;">{esc(head)}</span>'
            f'<span style="color:{foreground()}"> — {esc(row.words)}</span>'
        )

    def _framing_html(self, spec: IconArraySpec) -> str:
        """The balanced sentence, each count in its colour (the words stay the domain's)."""
        counts, text = spec.counts, esc(spec.sentence)
        assert counts is not None
        if self._plain:
            for number, colour, after in (
                (counts.events, EVENT_COLOUR, ". "),
                (counts.others, OTHER_COLOUR, "."),
            ):
                count = counts.out_of(number)
                coloured = f'<b style="color:{colour}">{count}</b>{after}'
                text = text.replace(f"{count}{after}", coloured, 1)
        else:
            for number, colour, before in (
                (counts.events, EVENT_COLOUR, ": "),
                (counts.others, OTHER_COLOUR, "; "),
            ):
                coloured = f'{before}<b style="color:{colour}">{number}</b> —'
                text = text.replace(f"{before}{number} —", coloured, 1)
        return text

    def _add(self, item: pg.GraphicsObject, tip: str, drawn: bool = True) -> pg.GraphicsObject:
        item.setToolTip(tip)
        self.plot.addItem(item)
        if drawn:
            self._drawn.append(item)
        return item

    def _add_key(self, spec: IconArraySpec, tip: str) -> None:
        rows = (self._row_html(row, swatch=True) for row in spec.key)
        html = "".join(f'<p style="margin-bottom:8px">{row}</p>' for row in rows)
        self._key = self._add(pg.TextItem(html=html), tip, drawn=False)
        self._key.setFont(chart_font(self.font(), TITLE_POINT_SIZE))

    def _draw_icons(self, spec: IconArraySpec, tip: str) -> None:
        counts = spec.counts
        assert counts is not None
        columns = GRIDS[counts.per][0]
        spots = [((i % columns) * PITCH, i // columns) for i in range(counts.per)]  # reading order
        for chosen, colour in (
            (spots[: counts.events], EVENT_COLOUR),
            (spots[counts.events :], OTHER_COLOUR),
        ):
            x, y = [s[0] for s in chosen], [s[1] for s in chosen]
            symbol, brush = person_symbol(), pg.mkBrush(colour)
            self._add(pg.ScatterPlotItem(x=x, y=y, symbol=symbol, pen=None, brush=brush), tip)
        self._add_key(spec, tip)

    def _draw_bar(self, spec: IconArraySpec, tip: str) -> None:
        counts = spec.counts
        assert counts is not None
        for start, width, colour, ink in (
            (0, counts.events, EVENT_COLOUR, "#ffffff"),
            (counts.events, counts.others, OTHER_COLOUR, "#000000"),
        ):
            bar = pg.BarGraphItem(x0=[start], y=[0.5], height=[0.7], width=[width])
            bar.setOpts(brush=pg.mkBrush(colour), pen=pg.mkPen(foreground(), width=1))
            self._add(bar, tip)
            if width >= counts.per * 0.06:  # the count inside its segment, where it fits
                number = pg.TextItem(format_number(width), color=ink, anchor=(0.5, 0.5))
                number.setFont(chart_font(self.font(), FRAMING_PT, bold=True))
                number.setPos(start + width / 2, 0.5)
                self.plot.addItem(number)
        self.set_axis_labels(None, f"People out of {format_number(counts.per)}")
        self.plot.hideAxis("left")
        self.plot.getAxis("bottom").resizeEvent()  # re-centre the label after a change
        self._add_key(spec, tip)

    def _draw_words(self, spec: IconArraySpec, tip: str) -> None:
        for row in spec.key:
            item = self._add(pg.TextItem(html=self._row_html(row, swatch=False)), tip)
            item.setFont(chart_font(self.font(), TITLE_POINT_SIZE + 6))

    def _fit(self, *_args: object) -> None:
        """Square cells for the icons and the key beside (or under) them, on every resize."""
        counts, view = self._counts, self.plot.getViewBox()
        width, height = view.width(), view.height()
        if width < 50 or height < 50:
            width, height = 860.0, 380.0
        if counts is None:
            return
        if self._format == "icons":
            columns, rows = GRIDS[counts.per]
            grid = columns * PITCH
            cell = min(height / (rows + 0.4), width * 0.55 / (grid + 0.4))
            view.setRange(
                xRange=(-0.7, width / cell - 0.7), yRange=(-0.7, height / cell - 0.7), padding=0
            )
            for item in self._drawn:
                item.setSize(cell * 0.92)
            key_at, key_width = (grid + 0.3, -0.5), max(160.0, width - (grid + 1.2) * cell)
        elif self._format == "bar":
            view.setRange(xRange=(0, counts.per), yRange=(-0.1, 2.6), padding=0.02)
            key_at, key_width = (0, 1.05), width - 10
        else:
            view.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            top = 0.06
            for item in self._drawn:
                item.setTextWidth(width * 0.95)
                item.setPos(0.02, top)
                top += (item.textItem.boundingRect().height() + 24) / height
            return
        if self._key is not None:
            self._key.setPos(*key_at)
            self._key.setTextWidth(key_width)

    # --- events ---------------------------------------------------------------------------
    def _on_scene_clicked(self, event: object) -> None:
        statistic, position = self.current_statistic(), event.scenePos()  # type: ignore[attr-defined]
        if statistic is None or event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        if self.plot.getViewBox().sceneBoundingRect().contains(position):
            context = f"{self.title.text()}: {self._figure_label(statistic)}"
            self.sig_provenance.emit(context, sources_of(statistic))
