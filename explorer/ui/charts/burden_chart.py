"""How common back pain is, and what the figures say: one horizontal bar per statistic.

Only statistics with the same unit share an axis (:func:`burden_groups`); a long group is
shown a page at a time so every label stays readable. Each bar carries its own
denominator, time frame, population and a numbered source; figures that are not
peer-reviewed are hatched in the flag colour and footnoted. The text helpers here are
shared with the icon array.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from explorer.domain.chart_words import (
    format_number,
    full_citation,
    plain_statistic_label,
    statistic_caption,
    verdict_tag,
)
from explorer.domain.charts import BurdenGroup, burden_groups, is_flagged
from explorer.domain.models import SourceRef, Statistic
from explorer.ui.charts.base import AXIS_POINT_SIZE, FLAG_COLOUR, PALETTE, ChartWidget, foreground
from explorer.ui.style import esc

FOOTNOTE = (
    "⚠ Hatched bars are not from peer-reviewed studies: marketing, registry, industry or "
    "second-hand figures (shown because patients meet them), or government survey tables."
)
PLAIN_FOOTNOTE = (
    "⚠ Striped bars come from sources other scientists have not checked: adverts, "
    "registries, companies, second-hand reports, or government survey tables."
)
_GROUP_NAMES = {"%": "Percentages", "million people": "Millions of people"}
_LABEL_PT, _CONTEXT_PT = AXIS_POINT_SIZE, AXIS_POINT_SIZE - 2
_BAR_CENTRE, _BAR_HEIGHT, _CONTEXT_TOP = 0.52, 0.26, 0.69  # within a row one unit tall


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"


def short_citation(source: SourceRef) -> str:
    """'Walker BF 2000', 'Lucas JW et al. 2021', 'BMJ 2008': enough to find the full entry."""
    text = re.sub(r"\s*\([^)]*\)", "", re.sub(r"\[[^\]]*\]", "", source.citation))
    text = re.sub(r"\.(\s*\.)+", ".", text).strip(" .")
    first = re.split(r"(?<!et al)\.\s", text, maxsplit=1)[0].split(";")[0].strip(" .")
    if len(first.split(": ")[0]) >= 20:
        first = first.split(": ")[0]
    if re.match(r"^[A-Z][\w'-]+ [A-Z]{1,3},", first):
        first = first.split(",")[0] + " et al."
    first = shorten(first, 60) or source.id
    return f"{first} {source.year}" if source.year and str(source.year) not in first else first


def cite(source: SourceRef, short: bool = False) -> str:
    """A citation with its kind, flagged ⚠ when the source needs caution."""
    if not short:
        return full_citation(source)
    flag = "⚠ " if source.needs_caution or not source.peer_reviewed else ""
    return f"{flag}{short_citation(source)} ({source.kind})"


def sources_of(statistic: Statistic) -> list[SourceRef]:
    """The source, and the summary it was read in when there is one (for provenance)."""
    return [s for s in (statistic.source, statistic.read_in) if s is not None]


def _scale_maximum(unit: str) -> float | None:
    """100 for percentages and '0-100' scales; None where the data set the axis."""
    if unit.strip() == "%":
        return 100.0
    match = re.search(r"\b0\s*[-–]\s*(\d+)\b", unit)
    return float(match.group(1)) if match else None


def _is_rank(unit: str) -> bool:
    return unit.strip().lower().startswith("rank")


def group_name(group: BurdenGroup) -> str:
    """The combo-box entry: 'Percentages (26)'."""
    name = _GROUP_NAMES.get(group.unit, group.unit[:1].upper() + group.unit[1:])
    return f"{name} ({len(group.statistics)})"


def value_text(statistic: Statistic) -> str:
    """The figure as printed at the bar end: value, short unit and any range."""
    unit = statistic.unit.strip()
    if _is_rank(unit):
        return f"ranked {format_number(statistic.value)}"
    text = format_number(statistic.value) + ("%" if unit == "%" else " " + unit.split()[0])
    low, high = statistic.value_low, statistic.value_high
    if low is not None and high is not None:
        return text + (f"  ({format_number(low)}–{format_number(high)})" if low != high else "")
    if high is not None:
        return text + f"  (up to {format_number(high)})"
    return text + (f"  (at least {format_number(low)})" if low is not None else "")


def statistic_tooltip(statistic: Statistic, reference: str = "", *, plain: bool = False) -> str:
    """Everything about one figure, as rich text (Qt word-wraps rich-text tooltips); in plain
    words only the plain label, the plain caption (who was counted, the source) and the plain
    small print."""
    if plain:
        return "<br>".join(
            [
                f"<b>{esc(plain_statistic_label(statistic))}</b>",
                esc(statistic_caption(statistic, plain=True)),
                "<i>Click to see where this comes from.</i>",
            ]
        )
    lines = [
        f"<b>{esc(statistic.label)}</b>",
        f"Figure: {esc(value_text(statistic))} ({esc(statistic.unit)})",
        f"Out of: {esc(statistic.denominator)}",
        f"People: {esc(statistic.population)}",
        f"Time: {esc(statistic.timeframe)}",
    ]
    if statistic.verdict:
        lines.append(f"Evidence check: {esc(statistic.verdict)}")
    if statistic.note:
        lines.append(f"Note: {esc(statistic.note)}")
    lines.append(f"Source{reference}: {esc(cite(statistic.source))}")
    if statistic.read_in is not None:
        lines.append(f"Read in: {esc(cite(statistic.read_in))}")
    return "<br>".join([*lines, "<i>Click for the full source.</i>"])


def chart_font(base: QFont, size: int, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSize(size)
    font.setBold(bold)
    return font


@dataclass
class _Row:
    statistic: Statistic
    bar: pg.BarGraphItem | None  # None for ranks: written, never drawn as an amount
    label: pg.TextItem
    context: pg.TextItem
    label_text: str
    context_parts: list[str]
    reference: str


class BurdenChart(ChartWidget):
    """Prevalence and outcome figures as horizontal bars, one unit group (and page) at a time.

    ``plotted()`` reads (label, value, flagged) back from the drawn bar items.
    """

    chart_name = "burden chart"
    PAGE_SIZE = 5  # rows stay >= ~60 px tall in an 880x560 tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[BurdenGroup] = []
        self._plain = False
        self._page = 0
        self._rows: list[_Row] = []
        self.unit_box = QComboBox(self)
        self.unit_box.setAccessibleName("Figures to show")
        unit_label = QLabel("Figures to show:", self)
        unit_label.setBuddy(self.unit_box)
        self.page_label = QLabel(self)
        self.previous_button = QPushButton("◀ Previous", self)
        self.previous_button.setAccessibleName("Previous figures")
        self.next_button = QPushButton("Next ▶", self)
        self.next_button.setAccessibleName("Next figures")
        controls = QHBoxLayout()
        for widget in (unit_label, self.unit_box, self.page_label):
            controls.addWidget(widget, 1 if widget is self.unit_box else 0)
        controls.addWidget(self.previous_button)
        controls.addWidget(self.next_button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, controls)
        view = self.plot.getViewBox()
        view.invertY(True)
        view.disableAutoRange()
        view.sigResized.connect(self._fit_texts)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.unit_box.currentIndexChanged.connect(lambda _i: self.select_page(0))
        self.previous_button.clicked.connect(lambda: self.select_page(self._page - 1))
        self.next_button.clicked.connect(lambda: self.select_page(self._page + 1))
        self.redraw()

    # --- API ------------------------------------------------------------------------------
    def set_data(self, statistics: Sequence[Statistic]) -> None:
        """Group the statistics by unit; show the percentages first when there are any."""
        self._groups = burden_groups(statistics)
        units = [g.unit for g in self._groups]
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        for group in self._groups:
            self.unit_box.addItem(group_name(group), group.unit)
        self.unit_box.setCurrentIndex(units.index("%") if "%" in units else 0)
        self.unit_box.blockSignals(False)
        self.select_page(0)

    def groups(self) -> list[BurdenGroup]:
        return list(self._groups)

    def current_group(self) -> BurdenGroup | None:
        index = self.unit_box.currentIndex()
        return self._groups[index] if 0 <= index < len(self._groups) else None

    def select_unit(self, unit: str) -> None:
        index = self.unit_box.findData(unit.strip())
        if index < 0:
            raise ValueError(f"no statistics in unit {unit!r}")
        self.unit_box.blockSignals(True)
        self.unit_box.setCurrentIndex(index)
        self.unit_box.blockSignals(False)
        self.select_page(0)

    def page(self) -> int:
        return self._page

    def page_count(self) -> int:
        return len(self._pages())

    def select_page(self, page: int) -> None:
        self._page = max(0, min(page, self.page_count() - 1))
        self.redraw()

    def plotted(self) -> list[tuple[str, float, bool]]:
        """(label, value, flagged) of each bar on the current page, read from the bar items."""
        return [
            (
                row.statistic.label,
                float(np.asarray(row.bar.opts["width"]).ravel()[0]),
                QBrush(row.bar.opts["brush"]).style() == Qt.BrushStyle.BDiagPattern,
            )
            for row in self._rows
            if row.bar is not None
        ]

    # --- drawing --------------------------------------------------------------------------
    def _pages(self) -> list[tuple[Statistic, ...]]:
        group = self.current_group()
        if group is None:
            return []
        items, count = group.statistics, math.ceil(len(group.statistics) / self.PAGE_SIZE)
        # Balanced pages (26 -> 5, 4, 4, 5, 4, 4), so the last page is not a lone bar.
        bounds = [math.ceil(i * len(items) / count) for i in range(count + 1)]
        return [items[a:b] for a, b in itertools.pairwise(bounds)]

    def redraw(self) -> None:
        self.clear_plot()
        self._rows = []
        pages, group = self._pages(), self.current_group()
        title = (
            f"How common is back pain, and what the {'numbers' if self._plain else 'figures'} say"
        )
        self._update_navigation(group, pages)
        if group is None or not pages:
            self.set_axis_labels(None, None)
            self.plot.hideAxis("left")
            self.set_texts(title, "", "No figures to show: there are no statistics to plot.")
            return
        page, rank = pages[self._page], _is_rank(group.unit)
        left, right = self._set_ranges(group, len(pages) > 1, len(pages[self._page]))
        references: list[SourceRef] = []
        for index, statistic in enumerate(page):
            self._draw_row(index, statistic, references, (right - left) * 0.012)
        self._fit_texts()
        bottom = "Per cent (each bar is a share of the group written under it)"
        self.set_axis_labels(
            None, bottom if group.unit == "%" else group.unit[:1].upper() + group.unit[1:]
        )
        self.plot.hideAxis("left")  # setLabel shows it again; the labels sit above the bars
        self.plot.showAxis("bottom", not rank)
        self.plot.getAxis("bottom").resizeEvent()  # re-centre a label shorter than the last
        notes = [PLAIN_FOOTNOTE if self._plain else FOOTNOTE] if any(map(is_flagged, page)) else []
        if rank:
            notes.append("A rank is not an amount, so it is written here, not drawn as a bar.")
        elif any(s.value_low is not None and s.value_high is not None for s in page):
            notes.append("Thin lines show the range or interval the source gives.")
        cited = " · ".join(f"[{n}] {cite(s, short=True)}" for n, s in enumerate(references, 1))
        self.set_texts(title, f"Sources: {cited}.", " ".join(notes))

    def _draw_row(
        self, index: int, statistic: Statistic, references: list[SourceRef], pad: float
    ) -> None:
        for source in sources_of(statistic):
            if source not in references:
                references.append(source)
        numbers = [references.index(s) + 1 for s in sources_of(statistic)]
        reference = f"[{numbers[0]}]" + (f", read in [{numbers[1]}]" if len(numbers) > 1 else "")
        flagged, tag = is_flagged(statistic), verdict_tag(statistic, self._plain)
        label = plain_statistic_label(statistic) if self._plain else statistic.label
        label_text = ("⚠ " if flagged else "") + (f"{tag} · " if tag else "") + label
        # Denominator first, then time frame; the population only where it adds something.
        parts = [shorten(statistic.denominator, 70), shorten(statistic.timeframe, 45)]
        population = statistic.population.lower()
        if population not in statistic.denominator.lower() and population != parts[1].lower():
            parts.append(shorten(statistic.population, 50))
        colour, centre = QColor(FLAG_COLOUR if flagged else PALETTE[0]), index + _BAR_CENTRE
        tip = statistic_tooltip(statistic, f" {reference}", plain=self._plain)
        bar, end = None, 0.0
        if not _is_rank(statistic.unit):
            style = Qt.BrushStyle.BDiagPattern if flagged else Qt.BrushStyle.SolidPattern
            bar = pg.BarGraphItem(
                x0=[0.0],
                y=[centre],
                height=[_BAR_HEIGHT],
                width=[statistic.value],
                brush=QBrush(colour, style),
                pen=pg.mkPen(colour, width=2),
            )
            end = max(statistic.value, statistic.value_high or statistic.value)
            self._add(bar, tip)
        low, high = statistic.value_low, statistic.value_high
        if bar is not None and low is not None and high is not None and high > low:
            self.plot.addItem(
                pg.ErrorBarItem(
                    x=np.array([statistic.value]),
                    y=np.array([centre]),
                    left=np.array([statistic.value - low]),
                    right=np.array([high - statistic.value]),
                    beam=_BAR_HEIGHT * 0.8,
                    pen=pg.mkPen(foreground(), width=2),
                )
            )
        label = self._add(pg.TextItem(color=FLAG_COLOUR if flagged else foreground()), tip)
        label.setFont(self._font(_LABEL_PT, bold=flagged))
        label.setPos(0, index + 0.02)
        context = self._add(pg.TextItem(color=foreground()), tip)
        context.setFont(self._font(_CONTEXT_PT))
        context.setOpacity(0.8)
        context.setPos(0, index + _CONTEXT_TOP)
        number = self._add(pg.TextItem(value_text(statistic), foreground(), anchor=(0, 0.5)), tip)
        number.setFont(self._font(_LABEL_PT, bold=True))
        number.setPos(end + pad, centre)
        self._rows.append(_Row(statistic, bar, label, context, label_text, parts, reference))

    def _add(self, item: pg.GraphicsObject, tip: str) -> pg.GraphicsObject:
        item.setToolTip(tip)
        self.plot.addItem(item)
        return item

    def _set_ranges(self, group: BurdenGroup, paged: bool, shown: int) -> tuple[float, float]:
        """One scale for the whole group, so bars on different pages compare honestly."""
        left = min(0.0, *(min(s.value, s.value_low or s.value) for s in group.statistics))
        axis, scale = self.plot.getAxis("bottom"), _scale_maximum(group.unit)
        if scale is not None:  # drawn whole: 23 points look like 23 of 100, not a full bar
            right, unit = scale * 1.3, "%" if group.unit == "%" else ""
            axis.setTicks(
                [[(q * scale / 4, f"{format_number(q * scale / 4)}{unit}") for q in range(5)]]
            )
        else:
            right = max(1.0, 1.4 * max(max(s.value, s.value_high or 0) for s in group.statistics))
            axis.setTicks(None)
        view = self.plot.getViewBox()
        view.setXRange(left, right, padding=0)
        view.setYRange(0, (self.PAGE_SIZE if paged else max(shown, 3)) + 0.1, padding=0)
        return left, right

    def _fit_texts(self, *_args: object) -> None:
        """Elide labels to the plot's width (the full text is in the tooltip)."""
        width = self.plot.getViewBox().width() - 6
        width = width if width > 200 else 800.0  # not laid out yet (never shown)
        elide = Qt.TextElideMode.ElideRight
        label_metrics = QFontMetricsF(self._font(_LABEL_PT, bold=True))
        metrics = QFontMetricsF(self._font(_CONTEXT_PT))
        for row in self._rows:
            row.label.setText(label_metrics.elidedText(row.label_text, elide, width))
            suffix = f" · source {row.reference}"
            room = width - metrics.horizontalAdvance(suffix)
            text = metrics.elidedText(row.context_parts[0], elide, room)
            for part in row.context_parts[1:]:
                left = room - metrics.horizontalAdvance(text + " · ")
                if metrics.horizontalAdvance(part) <= left or left > 140:
                    text += " · " + metrics.elidedText(part, elide, left)
                if metrics.horizontalAdvance(part) > left:
                    break  # a stub of two words says nothing: the tooltip has the rest
            row.context.setText(text + suffix)

    def minimum_plot_height(self) -> int:
        # A row holds a label, its bar and a context line: about 3.3 lines of the label font
        # (so large type makes the plot taller, and the page scrolls, instead of overlapping)
        line = QFontMetricsF(self._font(_LABEL_PT)).lineSpacing()
        axis = 4 * line  # the numbers and the axis title under the rows
        return max(super().minimum_plot_height(), int(self.PAGE_SIZE * 3.3 * line + axis))

    def _font(self, size: int, bold: bool = False) -> QFont:
        return chart_font(self.font(), size, bold)

    def _update_navigation(self, group: BurdenGroup | None, pages: list) -> None:
        self._page = max(0, min(self._page, len(pages) - 1))
        for widget in (self.previous_button, self.next_button, self.page_label):
            widget.setVisible(len(pages) > 1)
        self.unit_box.setEnabled(bool(self._groups))
        if group is not None and len(pages) > 1:
            start = sum(len(p) for p in pages[: self._page])
            shown = f"{start + 1}–{start + len(pages[self._page])}"
            self.page_label.setText(f"Figures {shown} of {len(group.statistics)}")
            self.previous_button.setEnabled(self._page > 0)
            self.next_button.setEnabled(self._page < len(pages) - 1)

    # --- events ---------------------------------------------------------------------------
    def _on_scene_clicked(self, event: object) -> None:
        view, position = self.plot.getViewBox(), event.scenePos()  # type: ignore[attr-defined]
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        index = math.floor(view.mapSceneToView(position).y())
        if view.sceneBoundingRect().contains(position) and 0 <= index < len(self._rows):
            statistic = self._rows[index].statistic
            context = f"{statistic.label}: {value_text(statistic)}"
            self.sig_provenance.emit(context, sources_of(statistic))
