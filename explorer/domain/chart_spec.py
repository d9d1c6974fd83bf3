"""One description per chart, free of any renderer: what to draw and what to write.

The on-screen charts (``explorer.ui.charts``, pyqtgraph: hover, clicks, resizing) and the
printed ones (``explorer.report.print_charts``, QPainter: the PDF and every PNG/SVG export)
both draw these specs. The choices that make a chart honest or readable are made here,
once: the axis range and its round ticks, the marker for each GRADE certainty, how many
characters a row label may take, and every word (from :mod:`chart_words`). The painters
only lay them out.
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
    PLAIN_REGION_LABEL,
    PLAIN_UNKNOWN_ROW,
    REGION_LABEL,
    TIMELINE_PLAIN_TITLE,
    TIMELINE_PLAIN_WORDS,
    TIMELINE_TITLE,
    TIMELINE_WORDS,
    Span,
    axis_words,
    clip,
    fmt,
    format_number,
    interval_text,
    kb_note,
    mcid_threshold,
    numbered_sources,
    short_name,
    span_text,
    stated_bounds,
    statistic_caption,
    statistic_notes,
    timeline_caption,
    timeline_notes,
    timing_sources,
)
from explorer.domain.charts import (
    REASSESSMENT_WEEKS,
    ForestRow,
    IconCounts,
    OutcomeChoice,
    OutcomeGroup,
    TimelineRow,
    icon_counts,
    timeline_rows,
)
from explorer.domain.comparison import certainty_text
from explorer.domain.models import SourceRef, Statistic, Treatment
from explorer.domain.vocab import NOT_ESTABLISHED, PLAIN_NOT_ESTABLISHED, Certainty


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


# --- timeline ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lane:
    """One lane of a timeline row: when benefit starts (``onset``) or how long it lasted
    (``duration``), its span in weeks (None: not established) and its words."""

    kind: str
    span: Span | None
    words: str


@dataclass(frozen=True)
class TimelineMark:
    row: TimelineRow
    name: str
    lanes: tuple[Lane, Lane]
    unknown: str
    """The words for a row without any time ('' when the row has one)."""

    @property
    def start(self) -> float:
        """Where the benefit bar begins: when benefit starts, or 0 when that is unknown."""
        return self.row.onset[0] if self.row.onset else 0.0


@dataclass(frozen=True)
class TimelineSpec:
    title: str
    marks: tuple[TimelineMark, ...]
    region: tuple[float, float]
    region_label: str
    axis_title: str
    weeks: float
    """The weeks shown at least: the reassessment window, and room for words after bars."""
    empty: str
    small_print: str
    legend: tuple[str, str, str, str]
    """Words of the key: onset, benefit measured, may last until, the window."""

    @property
    def region_words(self) -> str:
        low, high = self.region
        return f"{self.region_label}: {low:g}–{high:g} weeks"

    @staticmethod
    def axis(weeks: float) -> Axis:
        """Weeks from 0 with round ticks, as far as a painter needs to show its words."""
        return Axis(0.0, weeks, tuple((v, f"{v:g}") for v in nice_ticks(0.0, weeks, 8)))


TIMELINE_KEY = ("effect starts", "benefit measured", "may last until", REGION_LABEL)
TIMELINE_PLAIN_KEY = ("may start to help", "help measured", "help may last until")


def timeline_spec(
    treatments: Sequence[Treatment], kb_version: str | None = None, *, plain: bool, printed: bool
) -> TimelineSpec:
    """Onset and duration per treatment; ``printed`` (a picture with a key): shorter notes,
    the sources and the knowledge-base version as the small print."""
    rows = timeline_rows(treatments)
    lane_words = TIMELINE_PLAIN_WORDS if plain else TIMELINE_WORDS
    marks = []
    for row in rows:

        def lane(kind: str, span: Span | None, row: TimelineRow = row) -> Lane:
            if span is None:
                said = PLAIN_NOT_ESTABLISHED.lower() if plain else NOT_ESTABLISHED
            else:
                said = span_text(span, kind, stated_bounds(row, kind))
            return Lane(kind, span, f"{lane_words[kind]}: {said}")

        lanes = (lane("onset", row.onset), lane("duration", row.duration))
        unknown = "" if row.established else (
            PLAIN_UNKNOWN_ROW if plain else NOT_ESTABLISHED.capitalize()
        )  # fmt: skip
        marks.append(TimelineMark(row, short_name(row.treatment, plain=plain), lanes, unknown))
    ends = [v for r in rows for s in (r.onset, r.duration) if s for v in s]
    if printed:
        empty = "No treatments to compare."
        sources = numbered_sources(s for row in rows for s in timing_sources(row.treatment))
        words = "Where this comes from" if plain else "Sources"
        cited = f"{words}: {sources}. " if sources else ""
        small_print = f"{timeline_notes(plain=plain)} {cited}{kb_note(kb_version)}".strip()
    else:
        empty = "No treatments to compare: add treatments to see when benefit starts."
        small_print = timeline_caption(rows, plain=plain)
    return TimelineSpec(
        title=TIMELINE_PLAIN_TITLE if plain else TIMELINE_TITLE,
        marks=tuple(marks),
        region=REASSESSMENT_WEEKS,
        region_label=PLAIN_REGION_LABEL if plain else REGION_LABEL,
        axis_title="Weeks since starting",
        weeks=max(13.0, max(ends, default=0.0) * 1.7 + 1.0),
        empty=empty,
        small_print=small_print,
        legend=(*TIMELINE_PLAIN_KEY, PLAIN_REGION_LABEL) if plain else TIMELINE_KEY,
    )


# --- people out of 100 ---------------------------------------------------------------------
@dataclass(frozen=True)
class KeyRow:
    """One count in words: filled (the figure's people) or not, the count with any words
    before it ('About half: 55 out of 100'), and what it means."""

    filled: bool
    count: int
    head: str
    words: str


@dataclass(frozen=True)
class IconArraySpec:
    title: str
    counts: IconCounts | None
    shape: str
    """'icons', 'bar' (one stacked bar) or 'words'."""
    key: tuple[KeyRow, ...]
    sentence: str
    how: str
    notes: str
    small_print: str
    empty: str


ICON_SHAPES = {"icons": "Icons", "bar": "One bar", "words": "Words only"}


def icon_spec(
    statistic: Statistic | None,
    kb_version: str | None = None,
    *,
    plain: bool,
    per: int = 100,
    shape: str = "icons",
    printed: bool,
) -> IconArraySpec:
    """A percentage of people as people out of ``per``, framed both ways."""
    title = f"Out of {format_number(per)} people"
    if statistic is None:
        empty = "There are no percentages of people to draw as people out of 100."
        return IconArraySpec(title, None, shape, (), "No figure to show.", "", empty, "", empty)
    counts = icon_counts(statistic, per)
    flag = "⚠ " if statistic.needs_caution else ""
    rows = []
    for filled, (number, lead, words) in zip(
        (True, False), counts.key_rows(plain=plain), strict=True
    ):
        head = f"{f'{lead}: ' if lead else ''}{format_number(number)} out of {format_number(per)}"
        rows.append(KeyRow(filled, number, head, f"{flag}{words}" if filled else words))
    how = (
        f"Each figure is one person. The {format_number(counts.events)} filled figures are "
        f"the {format_number(counts.events)} out of {format_number(per)}; the "
        f"{format_number(counts.others)} outlined figures are the others."
    )
    caption = statistic_caption(statistic, plain=plain)
    if printed:
        # The clinician note stays out of the handout: the plain caption says who was
        # counted and what the count means.
        about = f" About this figure: {statistic.note}" if statistic.note and not plain else ""
        caption = f"{caption}{about} {kb_note(kb_version)}".strip()
    return IconArraySpec(
        title=title,
        counts=counts,
        shape=shape,
        key=(*rows,),
        sentence=flag + counts.sentence(plain=plain),
        how=how,
        notes=statistic_notes(statistic, counts, plain=plain),
        small_print=caption,
        empty="",
    )
