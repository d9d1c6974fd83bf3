"""The burden chart described without a renderer: one bar per figure of one unit, with its
label, context, value words, source numbers and the one scale every page shares.

Drawn by the screen (``explorer.ui.charts.burden_chart``: pages, hover, clicks) and on paper
(``explorer.report.print_charts.burden``: PNG and SVG export).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from explorer.domain.chart_spec import Axis, nice_ticks
from explorer.domain.chart_words import (
    format_number,
    full_citation,
    kb_note,
    plain_statistic_label,
    verdict_tag,
)
from explorer.domain.charts import BurdenGroup, is_flagged
from explorer.domain.models import SourceRef, Statistic

FOOTNOTE = (
    "⚠ Hatched bars are not from peer-reviewed studies: marketing, registry, industry or "
    "second-hand figures (shown because patients meet them), or government survey tables."
)
PLAIN_FOOTNOTE = (
    "⚠ Striped bars come from sources other scientists have not checked: adverts, "
    "registries, companies, second-hand reports, or government survey tables."
)
RANK_NOTE = "A rank is not an amount, so it is written here, not drawn as a bar."
RANGE_NOTE = "Thin lines show the range or interval the source gives."
EMPTY = "No figures to show: there are no statistics to plot."
_GROUP_NAMES = {"%": "Percentages", "million people": "Millions of people"}


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


def scale_maximum(unit: str) -> float | None:
    """100 for percentages and '0-100' scales; None where the data set the axis."""
    if unit.strip() == "%":
        return 100.0
    match = re.search(r"\b0\s*[-–]\s*(\d+)\b", unit)
    return float(match.group(1)) if match else None


def is_rank(unit: str) -> bool:
    return unit.strip().lower().startswith("rank")


def group_name(group: BurdenGroup) -> str:
    """The combo-box entry: 'Percentages (26)'."""
    name = _GROUP_NAMES.get(group.unit, group.unit[:1].upper() + group.unit[1:])
    return f"{name} ({len(group.statistics)})"


def value_text(statistic: Statistic) -> str:
    """The figure as printed at the bar end: value, short unit and any range."""
    unit = statistic.unit.strip()
    if is_rank(unit):
        return f"ranked {format_number(statistic.value)}"
    text = format_number(statistic.value) + ("%" if unit == "%" else " " + unit.split()[0])
    low, high = statistic.value_low, statistic.value_high
    if low is not None and high is not None:
        return text + (f"  ({format_number(low)}–{format_number(high)})" if low != high else "")
    if high is not None:
        return text + f"  (up to {format_number(high)})"
    return text + (f"  (at least {format_number(low)})" if low is not None else "")


def burden_pages(group: BurdenGroup | None, size: int) -> list[tuple[Statistic, ...]]:
    """The group a page at a time, balanced (26 -> 5, 4, 4, 5, 4, 4): never a lone bar."""
    if group is None:
        return []
    items, count = group.statistics, math.ceil(len(group.statistics) / size)
    bounds = [math.ceil(i * len(items) / count) for i in range(count + 1)]
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


@dataclass(frozen=True)
class BurdenBar:
    """One figure: its label, context (denominator, time, population), source numbers,
    value in words; ``drawn`` is False for a rank (written, never drawn as an amount)."""

    statistic: Statistic
    label: str
    context: tuple[str, ...]
    reference: str
    value_text: str
    flagged: bool
    drawn: bool

    @property
    def end(self) -> float:
        """Where the bar's words may start: after the bar and its range."""
        s = self.statistic
        return max(s.value, s.value_high or s.value) if self.drawn else 0.0

    @property
    def interval(self) -> tuple[float, float] | None:
        low, high = self.statistic.value_low, self.statistic.value_high
        return (
            (low, high)
            if self.drawn and low is not None and high is not None and high > low
            else None
        )


@dataclass(frozen=True)
class BurdenSpec:
    title: str
    bars: tuple[BurdenBar, ...]
    axis: Axis
    axis_title: str
    rank: bool
    notes: str
    sources: tuple[SourceRef, ...]
    kb: str

    @property
    def sources_text(self) -> str:
        cited = " · ".join(f"[{n}] {cite(s, short=True)}" for n, s in enumerate(self.sources, 1))
        return f"Sources: {cited}." if self.sources else ""


def burden_spec(
    group: BurdenGroup | None,
    page: Sequence[Statistic],
    kb_version: str | None = None,
    *,
    plain: bool,
) -> BurdenSpec:
    """The bars of one page of ``group``, on the scale of the whole group."""
    title = f"How common is back pain, and what the {'numbers' if plain else 'figures'} say"
    if group is None or not page:
        return BurdenSpec(title, (), Axis(0, 1, ()), "", False, EMPTY, (), kb_note(kb_version))
    references: list[SourceRef] = []
    bars = []
    for statistic in page:
        references.extend(s for s in sources_of(statistic) if s not in references)
        numbers = [references.index(s) + 1 for s in sources_of(statistic)]
        reference = f"[{numbers[0]}]" + (f", read in [{numbers[1]}]" if len(numbers) > 1 else "")
        flagged, tag = is_flagged(statistic), verdict_tag(statistic, plain)
        label = plain_statistic_label(statistic) if plain else statistic.label
        # Denominator first, then time frame; the population only where it adds something.
        parts = [shorten(statistic.denominator, 70), shorten(statistic.timeframe, 45)]
        population = statistic.population.lower()
        if population not in statistic.denominator.lower() and population != parts[1].lower():
            parts.append(shorten(statistic.population, 50))
        bars.append(
            BurdenBar(
                statistic=statistic,
                label=("⚠ " if flagged else "") + (f"{tag} · " if tag else "") + label,
                context=tuple(parts),
                reference=reference,
                value_text=value_text(statistic),
                flagged=flagged,
                drawn=not is_rank(statistic.unit),
            )
        )
    notes = [PLAIN_FOOTNOTE if plain else FOOTNOTE] if any(map(is_flagged, page)) else []
    rank = is_rank(group.unit)
    if rank:
        notes.append(RANK_NOTE)
    elif any(s.value_low is not None and s.value_high is not None for s in page):
        notes.append(RANGE_NOTE)
    per_cent = "Per cent (each bar is a share of the group written under it)"
    return BurdenSpec(
        title=title,
        bars=tuple(bars),
        axis=_axis(group),
        axis_title=per_cent if group.unit == "%" else group.unit[:1].upper() + group.unit[1:],
        rank=rank,
        notes=" ".join(notes),
        sources=tuple(references),
        kb=kb_note(kb_version),
    )


def _axis(group: BurdenGroup) -> Axis:
    """One scale for the whole group, so bars on different pages compare honestly; a scale
    with a maximum is drawn whole (23 points look like 23 of 100, not a full bar)."""
    stats = group.statistics
    left = min(0.0, *(min(s.value, s.value_low or s.value) for s in stats))
    scale = scale_maximum(group.unit)
    if scale is not None:
        unit = "%" if group.unit == "%" else ""
        quarters = [q * scale / 4 for q in range(5)]
        return Axis(left, scale * 1.3, tuple((v, f"{format_number(v)}{unit}") for v in quarters))
    right = max(1.0, 1.4 * max(max(s.value, s.value_high or 0) for s in stats))
    ticks = tuple((v, format_number(v)) for v in nice_ticks(left, right))
    return Axis(left, right, ticks)
