"""What the charts plot, computed without Qt: comparable groups, icon counts, time spans.

Charts only draw what these functions return, so the rules that keep a chart honest
(never put different scales, outcomes or time points on one axis; always frame a
probability both ways; flag non-peer-reviewed figures) are tested here, in plain Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from explorer.domain.frequency import frequency, lower_initial
from explorer.domain.models import Finding, SourceRef, Statistic, Treatment
from explorer.domain.vocab import PLAIN_NOT_WRITTEN, Certainty

REASSESSMENT_WEEKS = (6.0, 12.0)
"""The care pathway's reassessment window (at least ~6 weeks; 12 is convention)."""


# --- outcomes (forest plot) -------------------------------------------------------------
def time_bucket(weeks: float | None) -> str:
    """Coarse follow-up windows: findings are only plotted together within one window."""
    if weeks is None:
        return "time point not given"
    if weeks <= 6:
        return "up to 6 weeks"
    if weeks <= 26:
        return "6 weeks to 6 months"
    if weeks <= 52:
        return "6 to 12 months"
    return "over 12 months"


@dataclass(frozen=True)
class OutcomeKey:
    """Findings with equal keys may share an axis: same outcome, scale, measure and window."""

    outcome: str
    scale: str
    measure: str
    window: str

    @property
    def title(self) -> str:
        return f"{self.outcome.capitalize()} · {self.scale} · {self.window}"


@dataclass(frozen=True)
class ForestRow:
    treatment: Treatment
    finding: Finding
    value: float
    ci_low: float | None
    ci_high: float | None
    certainty: Certainty
    sources: tuple[SourceRef, ...]
    replaced: bool = False
    """The finding rests only on sources a newer one replaces (shown, never the default)."""

    @property
    def label(self) -> str:
        return f"{self.treatment.name} vs {self.finding.comparison}"

    @property
    def caution(self) -> bool:
        return any(s.needs_caution for s in self.sources)


@dataclass(frozen=True)
class OutcomeGroup:
    key: OutcomeKey
    rows: tuple[ForestRow, ...]
    better: str
    mcid: float | None
    """The threshold of clinical importance, when every plotted finding states the same one."""


@dataclass(frozen=True)
class OutcomeChoice:
    """The groups a forest plot can show, and why the others are kept apart."""

    groups: tuple[OutcomeGroup, ...]
    without_numbers: tuple[tuple[Treatment, Finding], ...]

    def for_outcome(self, outcome: str | None) -> list[OutcomeGroup]:
        return [g for g in self.groups if outcome is None or g.key.outcome == outcome]

    def refusal(
        self, shown: OutcomeGroup | None, outcome: str | None = None, *, printed: bool = False
    ) -> str:
        """Why some findings are not on the chart, in words ('' when everything is).

        On screen the others can be chosen from a list; on paper (``printed``) the reader is
        sent to the comparison table, where every finding is listed.
        """
        others = [g for g in self.for_outcome(outcome) if g is not shown]
        parts = []
        if others:
            kinds = "; ".join(f"{g.key.scale}, {g.key.window} ({len(g.rows)})" for g in others)
            parts.append(
                f"Not plotted on this axis: {sum(len(g.rows) for g in others)} finding(s) on "
                f"another scale or time window ({kinds}). Numbers on different scales or at "
                "different times must not share an axis; "
                + ("they are in the comparison table." if printed else "choose them from the list.")
            )
        missing = [f for _t, f in self.without_numbers if outcome is None or f.outcome == outcome]
        if missing:
            parts.append(
                f"{len(missing)} finding(s) are reported in words only (no numbers "
                "in the sources); see the comparison table."
            )
        return " ".join(parts)


def outcome_groups(treatments: Sequence[Treatment], condition: str | None) -> OutcomeChoice:
    """Group the compared treatments' numeric findings into comparable sets, largest first."""
    grouped: dict[OutcomeKey, list[ForestRow]] = {}
    better: dict[OutcomeKey, set[str]] = {}
    mcids: dict[OutcomeKey, set[float | None]] = {}
    words_only: list[tuple[Treatment, Finding]] = []
    for treatment in treatments:
        sources = {s.id: s for s in treatment.sources}
        for finding in treatment.findings_for(condition):
            estimate = finding.estimate
            if estimate is None:
                words_only.append((treatment, finding))
                continue
            # A finding whose follow-up is only given in words ("short term") is never
            # grouped with another: without weeks, two time points cannot be shown to match.
            window = (
                time_bucket(finding.timepoint_weeks)
                if finding.timepoint_weeks is not None
                else f"{finding.timepoint} ({treatment.name})"
            )
            key = OutcomeKey(finding.outcome, estimate.scale, estimate.measure, window)
            grouped.setdefault(key, []).append(
                ForestRow(
                    treatment=treatment,
                    finding=finding,
                    value=estimate.value,
                    ci_low=estimate.ci_low,
                    ci_high=estimate.ci_high,
                    certainty=finding.certainty,
                    sources=tuple(sources[s] for s in finding.sources if s in sources),
                    replaced=treatment.is_replaced(finding),
                )
            )
            better.setdefault(key, set()).add(estimate.better)
            mcids.setdefault(key, set()).add(estimate.mcid)
    groups = []
    for key, rows in grouped.items():
        directions = better[key]
        if len(directions) != 1:
            # Opposite orientations must not share an axis either: split them.
            for direction in sorted(directions):
                subset = [
                    r for r in rows if r.finding.estimate and r.finding.estimate.better == direction
                ]
                sub_key = OutcomeKey(
                    key.outcome, f"{key.scale} ({direction} is better)", key.measure, key.window
                )
                groups.append(OutcomeGroup(sub_key, tuple(subset), direction, None))
            continue
        values = mcids[key]
        mcid = next(iter(values)) if len(values) == 1 else None
        groups.append(OutcomeGroup(key, tuple(rows), next(iter(directions)), mcid))
    # A group of replaced findings only is never the default (first); then the largest
    # comparable group first; among equals, a dated window before an undated one and the
    # outcomes patients ask about first (pain, leg pain, then function).
    priority = {"pain": 0, "leg pain": 0, "function": 1, "back pain": 2}
    groups.sort(
        key=lambda g: (
            all(r.replaced for r in g.rows),
            -len(g.rows),
            g.rows[0].finding.timepoint_weeks is None,
            priority.get(g.key.outcome, 3),
            g.key.outcome,
            g.key.scale,
            g.key.window,
        )
    )
    return OutcomeChoice(tuple(groups), tuple(words_only))


# --- icon arrays -------------------------------------------------------------------------
@dataclass(frozen=True)
class IconCounts:
    """One absolute figure as people out of ``per``: ``events`` have it, ``others`` do not."""

    per: int
    events: int
    label: str
    statistic: Statistic

    @property
    def others(self) -> int:
        return self.per - self.events

    @property
    def plain_label(self) -> str:
        """The statistic's plain label ('' when a knowledge base has none yet)."""
        return self.statistic.plain_label.strip().rstrip(".")

    def out_of(self, count: int) -> str:
        return f"{count:,} out of {self.per:,}"

    def sentence(self, *, plain: bool = False) -> str:
        """Balanced framing: both counts, always. Plain: words first, then the exact count
        ("About half of people with sciatica …: 55 out of 100. This was not so for the other
        45 out of 100.")."""
        # "Like you" is left out: a figure's population is stated beside it, and it is
        # often not the patient's own condition.
        if not plain:
            return f"Out of {self.per} people: {self.events} — {self.label}; {self.others} — not."
        words = frequency(self.events, self.per)
        if not self.plain_label:
            return f"{words.alone}: {self.out_of(self.events)}. {PLAIN_NOT_WRITTEN}"
        return (
            f"{words.lead} {lower_initial(self.plain_label)}: {self.out_of(self.events)}. "
            f"This was not so for the other {self.out_of(self.others)}."
        )

    def key_rows(self, *, plain: bool = False) -> tuple[tuple[int, str, str], ...]:
        """The key beside the people: (count, words before the count, words after it) for the
        figure's people and for the others. Plain rows lead with words ("About half")."""
        if not plain:
            return ((self.events, "", self.label), (self.others, "", "not"))
        return (
            (self.events, frequency(self.events, self.per).alone, self.plain_label_or_missing),
            (self.others, "The others", "this was not so"),
        )

    @property
    def plain_label_or_missing(self) -> str:
        return self.plain_label or PLAIN_NOT_WRITTEN


def icon_counts(statistic: Statistic, per: int = 100) -> IconCounts:
    """Round a percentage to whole people out of ``per`` (counts always add up to ``per``)."""
    if statistic.unit.strip() != "%":
        raise ValueError(f"{statistic.id} is not a percentage")
    if per not in (100, 1000):
        raise ValueError("icon arrays show people out of 100 or out of 1,000")
    events = max(0, min(per, round(statistic.value * per / 100)))
    return IconCounts(per=per, events=events, label=_event_label(statistic), statistic=statistic)


def _event_label(statistic: Statistic) -> str:
    return lower_initial(statistic.label.strip().rstrip("."))


def can_draw_as_people(statistic: Statistic) -> bool:
    """Whether the figure itself can be drawn as people out of 100: a percentage of one group
    of people (not of procedures or of years lived with disability, and not the end of a
    range across studies or years, which is no group's count), from a source that backs it
    (not a marketing, industry or other caution source, and not a number the checks found
    unsourced or could not verify: :data:`UNBACKED_VERDICTS`). Figures that fail stay in the
    burden chart, hatched.

    The verdict on the seed's claim is another question: an overstated claim ("about 30% of US
    adults") checked against a sound figure (26.4%) leaves that figure drawable."""
    ranged = (
        statistic.value_low is not None
        and statistic.value_high is not None
        and statistic.value_low != statistic.value_high
    )
    return (
        statistic.unit.strip() == "%"
        and statistic.of_people
        and 0 <= statistic.value <= 100
        and not ranged
        and not statistic.source.needs_caution
        and statistic.verdict not in UNBACKED_VERDICTS
    )


def absolute_statistics(statistics: Iterable[Statistic]) -> list[Statistic]:
    """Statistics that can be drawn as people out of 100 (:func:`can_draw_as_people`)."""
    return [s for s in statistics if can_draw_as_people(s)]


UNBACKED_VERDICTS = frozenset({"unsourced", "not verified"})
"""Verdicts that say the number itself has no source behind it (not merely that a claim
said more than the figure shows, which is "overstated")."""

NATURAL_HISTORY = {
    "sciatica": "sciatica-improved-12mo-atlas",
    "disc-herniation": "sciatica-success-12mo-haugen",
    "acute-low-back-pain": "acute-lbp-complete-recovery-12mo",
    "persistent-pain-after-surgery": "fbss-prevalence-japan-survey",
}
"""The figure shown first as "out of 100 people" for a condition: its natural course."""


# --- burden bars -------------------------------------------------------------------------
@dataclass(frozen=True)
class BurdenGroup:
    """Statistics sharing one unit: only these may share a bar chart's axis."""

    unit: str
    statistics: tuple[Statistic, ...]


def burden_groups(statistics: Iterable[Statistic]) -> list[BurdenGroup]:
    groups: dict[str, list[Statistic]] = {}
    for statistic in statistics:
        groups.setdefault(statistic.unit.strip(), []).append(statistic)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    return [BurdenGroup(unit, tuple(items)) for unit, items in ordered]


def is_flagged(statistic: Statistic) -> bool:
    """Drawn hatched or outlined, with a footnote: not peer-reviewed, or a caution kind."""
    return statistic.needs_caution or not statistic.source.peer_reviewed


# --- timeline ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineRow:
    treatment: Treatment
    onset: tuple[float, float] | None
    duration: tuple[float, float] | None

    @property
    def established(self) -> bool:
        return self.onset is not None or self.duration is not None


def _span(low: float | None, high: float | None) -> tuple[float, float] | None:
    if low is None and high is None:
        return None
    a = low if low is not None else high
    b = high if high is not None else low
    assert a is not None and b is not None
    return (a, b)


def timeline_rows(treatments: Sequence[Treatment]) -> list[TimelineRow]:
    """Onset and duration of benefit in weeks; None where the evidence does not establish it."""
    rows = []
    for treatment in treatments:
        tf = treatment.timeframe
        rows.append(
            TimelineRow(
                treatment=treatment,
                onset=_span(tf.onset_weeks_min, tf.onset_weeks_max),
                duration=_span(tf.duration_weeks_min, tf.duration_weeks_max),
            )
        )
    return rows
