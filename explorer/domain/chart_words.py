"""The words the charts put around their marks: axis titles, value texts, citations with
their kind of source, captions and honest notes.

Plain Python, shared by the on-screen charts (``explorer.ui.charts``, pyqtgraph) and the
printed ones (``explorer.report.print_charts``, QPainter), so a chart says the same thing
on screen and on paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from explorer.domain.charts import (
    ForestRow,
    IconCounts,
    OutcomeGroup,
    TimelineRow,
    can_draw_as_people,
    icon_counts,
)
from explorer.domain.frequency import frequency, lower_initial
from explorer.domain.models import SourceRef, Statistic, Treatment
from explorer.domain.vocab import PLAIN_NOT_WRITTEN

LINE_CHARS = 40
NOTHING_TO_PLOT = (
    "No finding for the compared treatments has numbers to plot; see the comparison table."
)
MCID_LABEL = "smallest difference patients notice"
MEASURES = {
    "MD": "mean difference",
    "SMD": "standardised mean difference",
    "RR": "risk ratio",
    "HR": "hazard ratio",
    "OR": "odds ratio",
    "risk difference": "risk difference",
    "percent": "share of patients in one group",
}
NO_DIFFERENCE = {"MD": 0.0, "SMD": 0.0, "risk difference": 0.0, "RR": 1.0, "HR": 1.0, "OR": 1.0}
"""Where "no difference" lies; a percentage of one group has no such line (not a comparison)."""
DIFFERENCES = frozenset({"MD", "SMD", "risk difference"})
NO_NULL_LINE = (
    "These are shares of patients in one group, not differences between treatments, so "
    "there is no line of no difference."
)


# --- general ---------------------------------------------------------------------------
def kb_note(version: str | None) -> str:
    """'Knowledge base 2026.11.2.' under a chart ('' before a knowledge base is loaded)."""
    return f"Knowledge base {version}." if version else ""


def clip(text: str, limit: int = LINE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;(") + "…"


def fmt(value: float) -> str:
    """Three significant digits, with a true minus sign."""
    return f"{value:.3g}".replace("-", "−")


def format_number(value: float) -> str:
    """Thousands separators; one decimal only where the figure has one."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def short_citation(source: SourceRef) -> str:
    """First author (or body, or bracketed description) and year: 'Hayden JA et al. 2021'."""
    text = source.citation.strip()
    if text.startswith("["):
        head = clip(text[1:].split("]")[0], 50)
    else:
        head = re.split(r"\[|\. |\.$", text, maxsplit=1)[0].strip()
        if " et al" in head:
            head = head[: head.index(" et al")] + " et al."
        elif "," in head:
            head = head.split(",")[0] + " et al."
        head = clip(head, 60)
    year = f" {source.year}" if source.year and str(source.year) not in head else ""
    return head + year


def source_kind(source: SourceRef) -> str:
    """The kind in words, '⚠'-flagged where the figure needs caution."""
    kind = source.kind.value + (", industry-linked" if source.industry_link else "")
    return f"⚠ {kind}" if source.needs_caution else kind


def numbered_sources(sources: Iterable[SourceRef]) -> str:
    """'[1] Hayden JA et al. 2021 (systematic review); [2] …' in first-use order."""
    unique = list(dict.fromkeys(sources))
    return "; ".join(
        f"[{n}] {short_citation(s)} ({source_kind(s)})" for n, s in enumerate(unique, start=1)
    )


def short_name(treatment: Treatment, *, plain: bool = False) -> str:
    """'Epidural corticosteroid injection' rather than the full name with its synonyms; for
    patients the plain name whole ('Steroid shot near the spine nerves (epidural injection)'):
    it is short already, and its brackets hold the name a clinician will use."""
    if plain:
        return treatment.plain_name.strip() or PLAIN_NOT_WRITTEN
    return treatment.name.split(" / ")[0].split(" (")[0]


# --- outcomes (forest plot) --------------------------------------------------------------
def axis_words(group: OutcomeGroup, *, plain: bool) -> tuple[str, str]:
    """The axis title ('Pain, 0-100 (mean difference), 6 weeks to 6 months') and which side
    is better ('favours treatment', 'lower is better')."""
    measure = MEASURES.get(group.key.measure, group.key.measure)
    scale = group.key.scale
    if group.key.measure != "percent" and measure.lower() not in scale.lower():
        scale = f"{scale} ({measure})"
    if group.key.measure not in NO_DIFFERENCE:
        side = "higher is better" if group.better == "higher" else "lower is better"
    else:
        side = "better with treatment" if plain else "favours treatment"
    return f"{scale}, {group.key.window}", side


def mcid_threshold(group: OutcomeGroup) -> float | None:
    """Where the smallest important difference lies on the axis, when the source gives one
    and the measure is a difference (a ratio's threshold is not on the same footing)."""
    null = NO_DIFFERENCE.get(group.key.measure)
    if null is None or group.mcid is None or group.key.measure not in DIFFERENCES:
        return None
    return null - group.mcid if group.better == "lower" else null + group.mcid


def interval_text(row: ForestRow) -> str:
    if row.ci_low is not None and row.ci_high is not None:
        return f"({fmt(row.ci_low)} to {fmt(row.ci_high)})"
    return "(no interval given)"


# --- people out of 100 -------------------------------------------------------------------
VERDICT_WORDS = {  # verdict -> (clinician wording, plain wording)
    "overstated": ("Overstated", "Overstated"),
    "unsourced": ("Unsourced", "No source found"),
    "not verified": ("Not verified", "Could not be checked"),
}


def verdict_tag(statistic: Statistic, plain: bool) -> str:
    """'Overstated', 'Unsourced', 'Not verified' (or plain words); '' for sound figures."""
    words = VERDICT_WORDS.get((statistic.verdict or "").strip().lower())
    return words[1 if plain else 0] if words else ""


def full_citation(source: SourceRef, *, plain: bool = False) -> str:
    """The whole citation with its kind, flagged ⚠ when the source needs caution. Citations
    stay as published (they name documents); in plain words only the kind is reworded."""
    flag = "⚠ " if source.needs_caution or not source.peer_reviewed else ""
    kind = source.kind.plain_label if plain else source.kind
    return f"{flag}{source.citation} ({kind})"


def plain_statistic_label(statistic: Statistic) -> str:
    """A statistic's label for patients. A figure drawn as people leads with words for its
    number ("About half of people with sciatica had …"); others keep their plain label."""
    label = statistic.plain_label.strip().rstrip(".")
    if not label:
        return PLAIN_NOT_WRITTEN
    if not can_draw_as_people(statistic):
        return label
    counts = icon_counts(statistic)
    return f"{frequency(counts.events, counts.per).lead} {lower_initial(label)}"


def statistic_caption(statistic: Statistic, *, plain: bool = False) -> str:
    """Out of whom, which people, over what time, and the source (and where it was read).
    Plain: who was counted in the knowledge base's plain words, and the source."""
    if plain:
        who = statistic.plain_population.strip() or PLAIN_NOT_WRITTEN
        parts = [
            f"Who was counted: {who.rstrip('.')}.",
            f"Where it comes from: {full_citation(statistic.source, plain=True)}.",
        ]
        if statistic.read_in is not None:
            parts.append(f"We read it in: {full_citation(statistic.read_in, plain=True)}.")
        return " ".join(parts)
    parts = [
        f"Out of: {re.sub(r'^of ', '', statistic.denominator)}.",
        f"People: {statistic.population}.",
        f"Time: {statistic.timeframe}.",
        f"Source: {full_citation(statistic.source)}.",
    ]
    if statistic.read_in is not None:
        parts.append(f"Read in: {full_citation(statistic.read_in)}.")
    return " ".join(parts)


def statistic_notes(statistic: Statistic, counts: IconCounts, *, plain: bool) -> str:
    """The honest small print: flags, the evidence check, ranges and rounding."""
    if plain:
        return _plain_statistic_notes(statistic, counts)
    notes, source, read_in = [], statistic.source, statistic.read_in
    if source.needs_caution:
        notes.append(f"⚠ Not peer-reviewed ({source.kind}); shown because patients meet it.")
    elif not source.peer_reviewed:
        notes.append(f"Source: {source.kind} (not a peer-reviewed journal article).")
    elif read_in is not None and read_in.needs_caution:
        notes.append(f"⚠ Second-hand: read in a {read_in.kind}; treat with caution.")
    if tag := verdict_tag(statistic, plain):
        notes.append(f"⚠ Evidence check: {tag.lower()}.")
    low, high = statistic.value_low, statistic.value_high
    if low is not None and high is not None and low != high:
        shown = format_number(statistic.value)
        span = f"{format_number(low)}–{format_number(high)}%"
        notes.append(f"The source gives {span}; the picture shows {shown}%.")
    if abs(statistic.value * counts.per / 100 - counts.events) > 1e-9:
        notes.append(
            f"{format_number(statistic.value)}% rounded to whole people: "
            f"{counts.events} out of {format_number(counts.per)}."
        )
    return " ".join(notes)


def _plain_statistic_notes(statistic: Statistic, counts: IconCounts) -> str:
    notes, source, read_in = [], statistic.source, statistic.read_in
    if source.needs_caution:
        notes.append(
            f"⚠ Take care: this comes from {source.kind.plain_label}, not checked by other "
            "experts. It is shown because you may see it elsewhere."
        )
    elif not source.peer_reviewed:
        notes.append(f"This comes from {source.kind.plain_label}, not a study checked by experts.")
    elif read_in is not None and read_in.needs_caution:
        notes.append(f"⚠ We read this in {read_in.kind.plain_label}. Take care with it.")
    if tag := verdict_tag(statistic, True):
        notes.append(f"⚠ Our check: {tag.lower()}.")
    low, high = statistic.value_low, statistic.value_high
    if low is not None and high is not None and low != high:
        notes.append(
            f"The studies give {format_number(low)} to {format_number(high)} out of 100. "
            f"The picture shows {format_number(statistic.value)}."
        )
    if abs(statistic.value * counts.per / 100 - counts.events) > 1e-9:
        notes.append(
            f"{format_number(statistic.value)} out of 100 is rounded to whole people: "
            f"{counts.out_of(counts.events)}."
        )
    return " ".join(notes)


# --- timeline ----------------------------------------------------------------------------
TIMELINE_TITLE = "When benefit starts and how long it lasts (weeks)"
REGION_LABEL = "Reassessment window (care pathway)"
TIMELINE_WORDS = {"onset": "effect starts", "duration": "benefit lasts"}
# The same, for patients (plain mode on screen, the patient handout on paper).
TIMELINE_PLAIN_TITLE = "When it may start to help, and how long the help lasted (weeks)"
TIMELINE_PLAIN_WORDS = {"onset": "starts to help", "duration": "help lasted"}
PLAIN_REGION_LABEL = "Time to check how it is going"
PLAIN_UNKNOWN_ROW = "No one knows yet: the studies give no time"

Span = tuple[float, float]


def span_text(
    span: Span, kind: str = "onset", bounds: tuple[float | None, float | None] = (0.0, 0.0)
) -> str:
    """'2–12 weeks', or, when the timeframe states only one end, what that end means."""
    low, high = span
    if low != high:
        return f"{low:g}–{high:g} weeks"
    if bounds[0] is None:  # only the upper end is stated
        return f"{'by' if kind == 'onset' else 'up to'} about {high:g} weeks"
    if bounds[1] is None:  # only the lower end is stated
        return f"{'not before' if kind == 'onset' else 'at least'} about {low:g} weeks"
    return f"about {low:g} weeks"


def stated_bounds(row: TimelineRow, kind: str) -> tuple[float | None, float | None]:
    tf = row.treatment.timeframe
    if kind == "onset":
        return tf.onset_weeks_min, tf.onset_weeks_max
    return tf.duration_weeks_min, tf.duration_weeks_max


def timing_sources(treatment: Treatment) -> list[SourceRef]:
    """Sources of the treatment's findings that state a time point, in first-use order."""
    by_id = {s.id: s for s in treatment.sources}
    ids = dict.fromkeys(
        s for f in treatment.findings if f.timepoint_weeks is not None for s in f.sources
    )
    return [by_id[i] for i in ids if i in by_id]


def timeline_notes(*, plain: bool) -> str:
    """What the weeks are, for a printed timeline (its key says what the bars are)."""
    if plain:
        return (
            "The weeks are when studies measured the effect, not a promise for you. Where "
            "the studies give no time, the row says so; nothing is guessed."
        )
    return (
        "Weeks are the times at which trials measured effects (each treatment's timeframe "
        "note, in its details), not a forecast for one person. Where the evidence gives no "
        "time the row says so; nothing is estimated."
    )


def timeline_caption(rows: Iterable[TimelineRow], *, plain: bool = False) -> str:
    """What the weeks are (and are not), and the sources of the timed findings."""
    rows = list(rows)
    if not rows:
        return ""
    cited: dict[str, str] = {}
    for row in rows:
        for source in timing_sources(row.treatment):
            cited.setdefault(source.id, short_citation(source))
    sources = "; ".join(f"[{n}] {text}" for n, text in enumerate(cited.values(), start=1))
    if plain:
        return (
            "The weeks are when studies measured the effect. They are not a promise for you. "
            "Dark: help was measured. Light: help may last until then. Where the studies give "
            "no time, the row says so; nothing is guessed."
            + (f" Where this comes from: {sources}." if sources else "")
        )
    return (
        "Weeks are the times at which trials measured effects (each treatment's timeframe "
        "note, in its details), not a forecast for one person. Solid: benefit measured; "
        "lighter: may last until. Where the evidence gives no time the row says so; nothing "
        "is estimated." + (f" Sources: {sources}." if sources else "")
    )
