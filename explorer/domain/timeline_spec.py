"""The timeline described without a renderer: per treatment when benefit starts and how
long it lasted (or that the evidence does not say), the reassessment window, the weeks
axis and every word. Drawn on screen (``ui/charts/timeline_chart.py``) and on paper
(``report/print_charts/timeline.py``); see :mod:`explorer.domain.chart_spec`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from explorer.domain.chart_spec import Axis, nice_ticks
from explorer.domain.chart_words import (
    PLAIN_REGION_LABEL,
    PLAIN_UNKNOWN_ROW,
    REGION_LABEL,
    TIMELINE_PLAIN_TITLE,
    TIMELINE_PLAIN_WORDS,
    TIMELINE_TITLE,
    TIMELINE_WORDS,
    Span,
    kb_note,
    numbered_sources,
    short_name,
    span_text,
    stated_bounds,
    timeline_caption,
    timeline_notes,
    timing_sources,
)
from explorer.domain.charts import REASSESSMENT_WEEKS, TimelineRow, timeline_rows
from explorer.domain.models import Treatment
from explorer.domain.vocab import NOT_ESTABLISHED, PLAIN_NOT_ESTABLISHED


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
