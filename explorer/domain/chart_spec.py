"""One description per chart, free of any renderer: what to draw and what to write.

The on-screen charts (``explorer.ui.charts``, pyqtgraph: hover, clicks, resizing) and the
printed ones (``explorer.report.print_charts``, QPainter: the PDF and every PNG/SVG export)
both draw these specs. The choices that make a chart honest or readable are made here,
once: the axis range and its round ticks, the marker for each GRADE certainty, how many
characters a row label may take, and every word (from :mod:`chart_words`). The painters
only lay them out. This module has what the charts share (axes, markers) and the forest
plot; :mod:`timeline_spec`, :mod:`icon_spec` and :mod:`burden_spec` the other charts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from explorer.domain.chart_words import (
    LINE_CHARS,
    MCID_LABEL,
    NO_DIFFERENCE,
    NO_NULL_LINE,
    NOTHING_TO_PLOT,
    axis_words,
    clip,
    fmt,
    interval_text,
    mcid_threshold,
    numbered_sources,
    short_name,
)
from explorer.domain.charts import (
    ForestRow,
    OutcomeChoice,
    OutcomeGroup,
)
from explorer.domain.comparison import certainty_text
from explorer.domain.models import SourceRef, Treatment
from explorer.domain.vocab import Certainty


# --- axes ------------------------------------------------------------------------------------
def nice_ticks(low: float, high: float, target: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10ⁿ apart) covering [low, high]."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    count = math.floor((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


@dataclass(frozen=True)
class Axis:
    """A numeric axis: the range shown and its labelled round ticks."""

    low: float
    high: float
    ticks: tuple[tuple[float, str], ...]

    @classmethod
    def covering(cls, low: float, high: float, target: int = 6) -> Axis:
        return cls(low, high, tuple((v, fmt(v)) for v in nice_ticks(low, high, target)))

    def fitted(self, room: float, label_width: float) -> tuple[tuple[float, str], ...]:
        """The ticks, fewer and rounder when ``room`` (the axis length) holds fewer labels
        ``label_width`` wide with a label's gap between them (large type, a narrow window)."""
        fit = int(room / (2 * label_width)) if label_width > 0 else len(self.ticks)
        if fit >= len(self.ticks):
            return self.ticks
        labels = dict(self.ticks)
        target = max(1, fit)
        while True:
            values = nice_ticks(self.low, self.high, target)
            if len(values) <= max(fit, 2) or target == 1:
                return tuple((v, labels.get(v, fmt(v))) for v in values)
            target -= 1


# --- markers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Marker:
    """How a point is marked: a cross (not rated) or a round mark, filled or hollow, and its
    size relative to the usual one (1.0). Size and fill encode GRADE certainty."""

    cross: bool
    filled: bool
    size: float


MARKERS = {
    Certainty.HIGH: Marker(cross=False, filled=True, size=1.3),
    Certainty.MODERATE: Marker(cross=False, filled=True, size=1.0),
    Certainty.LOW: Marker(cross=False, filled=False, size=1.0),
    Certainty.VERY_LOW: Marker(cross=False, filled=False, size=0.72),
    Certainty.NOT_RATED: Marker(cross=True, filled=True, size=1.0),
}
INTERVAL_KEY = "95 % confidence interval"
CAUTION_KEY = "⚠ source needs caution"


# --- outcomes (forest plot) --------------------------------------------------------------------
@dataclass(frozen=True)
class ForestMark:
    """One finding's row: its words (full, and shortened to the label budget), its point,
    interval and marker, and ``series``: its treatment's place in the comparison (the
    screen gives each treatment its own colour and symbol)."""

    row: ForestRow
    name: str
    comparison: str
    detail: str
    short_label: str
    value_text: str
    marker: Marker
    series: int

    @property
    def label(self) -> str:
        """The whole label, three lines: name, comparison, certainty · time point [refs]."""
        return f"{self.name}\n{self.comparison}\n{self.detail}"


@dataclass(frozen=True)
class ReferenceLine:
    value: float
    words: str
    dashed: bool


@dataclass(frozen=True)
class OutcomeChartSpec:
    """A forest plot of one comparable group (or, with ``group`` None, why there is none)."""

    title: str
    group: OutcomeGroup | None
    nothing: str
    """What the plot says when there is nothing to plot ('' otherwise)."""
    marks: tuple[ForestMark, ...]
    axis: Axis
    lines: tuple[ReferenceLine, ...]
    axis_title: str
    side: str
    lower_is_better: bool
    notes: str
    sources: tuple[SourceRef, ...]
    legend: tuple[tuple[Certainty | str, str], ...]

    @property
    def sources_text(self) -> str:
        return f"Sources: {numbered_sources(self.sources)}." if self.sources else ""


LABEL_BUDGET = LINE_CHARS
"""Characters a row label's line may take on screen (the full label is in the tooltip and
on paper, where it wraps); the time point takes at most :data:`TIMEPOINT_BUDGET`."""
TIMEPOINT_BUDGET = 24


def outcome_spec(
    choice: OutcomeChoice,
    group: OutcomeGroup | None,
    treatments: Sequence[Treatment],
    condition_name: str | None,
    *,
    plain: bool,
    printed: bool,
) -> OutcomeChartSpec:
    """The forest plot of ``group`` from ``choice``; ``printed``: the notes send the reader
    to the comparison table (a picture has no list to choose from)."""
    where = condition_name or "all conditions"
    legend = (
        *((c, certainty_text(c, plain=plain)) for c in Certainty),
        ("interval", INTERVAL_KEY),
        ("caution", CAUTION_KEY),
    )
    if group is None:
        return OutcomeChartSpec(
            f"Effects on outcomes — {where}", None, NOTHING_TO_PLOT, (), Axis.covering(0, 1),
            (), "", "", False, choice.refusal(None, printed=printed), (), legend,
        )  # fmt: skip
    sources = tuple(dict.fromkeys(s for row in group.rows for s in row.sources))
    numbers = {s: n for n, s in enumerate(sources, start=1)}
    order = {t.slug: i for i, t in enumerate(treatments)}
    marks = tuple(_mark(row, numbers, order, plain) for row in group.rows)
    lines = []
    if (null := NO_DIFFERENCE.get(group.key.measure)) is not None:
        lines.append(ReferenceLine(null, "no difference", dashed=False))
    if (threshold := mcid_threshold(group)) is not None:
        lines.append(ReferenceLine(threshold, MCID_LABEL, dashed=True))
    notes = [choice.refusal(group, group.key.outcome, printed=printed)]
    if group.key.measure not in NO_DIFFERENCE:
        notes.append(NO_NULL_LINE)
    axis_title, side = axis_words(group, plain=plain)
    return OutcomeChartSpec(
        title=f"Effects on {group.key.outcome} — {where}",
        group=group,
        nothing="",
        marks=marks,
        axis=_outcome_axis(group, lines),
        lines=tuple(lines),
        axis_title=axis_title,
        side=side,
        lower_is_better=group.better == "lower",
        notes=" ".join(n for n in notes if n),
        sources=sources,
        legend=legend,
    )


def _mark(
    row: ForestRow, numbers: dict[SourceRef, int], order: dict[str, int], plain: bool
) -> ForestMark:
    refs = "[" + ",".join(str(numbers[s]) for s in row.sources) + "]"
    name = ("⚠ " if row.caution else "") + short_name(row.treatment, plain=plain)
    comparison = f"vs {row.finding.comparison}"
    certainty = certainty_text(row.certainty, plain=plain)
    # The time point is in every label: rows of one window can still differ in it.
    timepoint = row.finding.timepoint
    short = "\n".join(
        (
            clip(name, LABEL_BUDGET),
            clip(comparison, LABEL_BUDGET),
            f"{certainty} · {clip(timepoint, TIMEPOINT_BUDGET)} {refs}",
        )
    )
    return ForestMark(
        row=row,
        name=name,
        comparison=comparison,
        detail=f"{certainty} · {timepoint} {refs}",
        short_label=short,
        value_text=f"{fmt(row.value)}\n{interval_text(row)}",
        marker=MARKERS[row.certainty],
        series=order.get(row.treatment.slug, 0),
    )


def _outcome_axis(group: OutcomeGroup, lines: Sequence[ReferenceLine]) -> Axis:
    """Every point, interval end and reference line, with a little room either side; a
    share of patients is read on its whole 0–100 scale."""
    xs = [r.value for r in group.rows]
    xs += [v for r in group.rows for v in (r.ci_low, r.ci_high) if v is not None]
    xs += [line.value for line in lines]
    low, high = min(xs), max(xs)
    pad = (high - low) * 0.08 or max(abs(high) * 0.1, 1.0)
    if group.key.measure == "percent":
        low, high, pad = min(low, 0.0), max(high, 100.0), 2.0
    return Axis.covering(low - pad, high + pad)
