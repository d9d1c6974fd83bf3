"""'Out of 100 people' described without a renderer: the counts framed both ways, the key
in words, the honest notes and the caption. Drawn on screen (``ui/charts/icon_array_chart.py``)
and on paper (``report/print_charts/icons.py``); see :mod:`explorer.domain.chart_spec`.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.domain.chart_words import (
    format_number,
    kb_note,
    statistic_caption,
    statistic_notes,
)
from explorer.domain.charts import IconCounts, icon_counts
from explorer.domain.models import Statistic


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
