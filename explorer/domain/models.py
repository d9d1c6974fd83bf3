"""Value objects the application works with; built by the knowledge reader, shown by the UI.

Plain frozen dataclasses: no database rows and no Qt types ever leave the data layer. The
reader builds them from the stored document by field name
(:mod:`explorer.store.kb_reader`), and ``explorer kb show|stats --json`` prints them with
:func:`dataclasses.asdict`: field order here is the order of that JSON (documented in
docs/knowledge-base.md), so fields are keyword-only and a field shown there is a field, not a
property.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from explorer.domain.vocab import (
    NOT_ESTABLISHED,
    PLAIN_NOT_ESTABLISHED,
    Analysis,
    Approach,
    Causation,
    Certainty,
    Direction,
    Funding,
    Invasiveness,
    SourceKind,
)


@dataclass(frozen=True, kw_only=True)
class SourceRef:
    """Where a number comes from, and what kind of document that is."""

    id: str
    kind: SourceKind
    peer_reviewed: bool
    industry_link: bool = False
    caution: bool = field(default=False, init=False)
    """Derived: registry, industry, marketing and second-hand figures, and industry-linked
    work (see :attr:`needs_caution`)."""
    funding: Funding = Funding.NOT_REPORTED
    funder: str | None = None
    stopped_early_for_benefit: bool = False
    replaces: tuple[str, ...] = ()
    """Ids of the sources this one updates."""
    replaced_by: tuple[str, ...] = ()
    """Ids of the sources that update this one (resolved by the reader from their
    ``replaces``): a finding resting only on replaced sources is shown, marked, but never
    counts as the best evidence."""
    citation: str
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    no_identifier_reason: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "caution", self.kind.needs_caution or self.industry_link)

    @property
    def needs_caution(self) -> bool:
        """Flag registry, industry, marketing and second-hand figures, and industry-linked work."""
        return self.caution


@dataclass(frozen=True, kw_only=True)
class Condition:
    slug: str
    name: str
    plain_name: str
    description: str
    plain_description: str


@dataclass(frozen=True, kw_only=True)
class Estimate:
    measure: str
    value: float
    ci_low: float | None
    ci_high: float | None
    scale: str
    better: str
    mcid: float | None = None
    participants: int | None = None
    studies: int | None = None


@dataclass(frozen=True, kw_only=True)
class Finding:
    condition: str
    outcome: str
    comparison: str
    certainty: Certainty
    certainty_note: str | None = None
    direction: Direction
    effect: str
    plain_effect: str
    estimate: Estimate | None = None
    timepoint: str
    plain_timepoint: str
    timepoint_weeks: float | None = None
    analysis: Analysis | None = None
    sources: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Harm:
    description: str
    plain_description: str
    frequency: str
    plain_frequency: str
    serious: bool
    certainty: Certainty | None = None
    """None: not established."""
    causation: Causation = Causation.NOT_ESTABLISHED
    regulator_warning: str | None = None
    sources: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class GuidelinePosition:
    body: str
    stance: str
    position: str
    plain_position: str
    sources: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Timeframe:
    """Weeks to effect and duration of benefit; None where the evidence does not establish it."""

    onset_weeks_min: float | None
    onset_weeks_max: float | None
    course: str
    plain_course: str
    duration_of_effect: str
    plain_duration_of_effect: str
    duration_weeks_min: float | None = None
    duration_weeks_max: float | None = None
    note: str | None = None

    @property
    def onset_text(self) -> str:
        lo, hi = self.onset_weeks_min, self.onset_weeks_max
        if lo is None and hi is None:
            return NOT_ESTABLISHED
        if lo is None or hi is None or lo == hi:
            weeks = lo if lo is not None else hi
            return f"about {weeks:g} weeks"
        return f"{lo:g}-{hi:g} weeks"

    @property
    def plain_onset_text(self) -> str:
        """The onset for patients ("Within 2 weeks"); "No one knows yet" when not established."""
        lo, hi = self.onset_weeks_min, self.onset_weeks_max
        if lo is None and hi is None:
            return PLAIN_NOT_ESTABLISHED
        if lo is None or hi is None or lo == hi:
            weeks = lo if lo is not None else hi
            return f"After about {weeks:g} weeks"
        if lo == 0:
            return f"Within {hi:g} weeks"
        return f"After {lo:g} to {hi:g} weeks"

    @property
    def duration_established(self) -> bool:
        """False when the clinician text says the duration of benefit is not established."""
        return not self.duration_of_effect.strip().lower().startswith(NOT_ESTABLISHED)


@dataclass(frozen=True, kw_only=True)
class TreatmentSummary:
    """One catalog row (derived from its :class:`Treatment` by :func:`summarize`)."""

    slug: str
    name: str
    category: str
    approach: Approach
    invasiveness: Invasiveness
    conditions: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    plain_name: str = ""
    plain_summary: str = ""
    mechanism: str = ""
    best_certainty: dict[str, Certainty] = field(default_factory=dict)
    best_directions: dict[str, frozenset[Direction]] = field(default_factory=dict)
    """Directions of all findings per condition (a single one means they agree)."""

    def certainty_for(self, condition: str | None) -> Certainty | None:
        """Best certainty of any finding for ``condition`` (any condition when None)."""
        if condition is not None:
            return self.best_certainty.get(condition)
        return max(self.best_certainty.values(), key=lambda c: c.rank, default=None)

    def directions_for(self, condition: str | None) -> frozenset[Direction]:
        """What the findings for ``condition`` say (benefit, no benefit…), all of them."""
        if condition is not None:
            return self.best_directions.get(condition, frozenset())
        found: set[Direction] = set()
        for directions in self.best_directions.values():
            found |= directions
        return frozenset(found)


@dataclass(frozen=True, kw_only=True)
class Treatment:
    """Everything the comparison and detail views show about one treatment."""

    slug: str
    name: str
    plain_name: str
    category: str
    approach: Approach
    invasiveness: Invasiveness
    synonyms: tuple[str, ...]
    conditions: tuple[str, ...]
    mechanism: str
    plain_mechanism: str
    plain_summary: str
    delivered_by: str
    plain_delivered_by: str
    patient_commitment: str
    timeframe: Timeframe
    harms: tuple[Harm, ...]
    regulatory_note: str | None
    plain_regulatory_note: str | None
    guidelines: tuple[GuidelinePosition, ...]
    findings: tuple[Finding, ...]
    sources: tuple[SourceRef, ...]
    """Every source cited by a finding, harm or guideline, in first-cited order."""
    last_reviewed: dt.date

    def findings_for(self, condition: str | None) -> tuple[Finding, ...]:
        """Findings for one condition (all when ``condition`` is None)."""
        if condition is None:
            return self.findings
        return tuple(f for f in self.findings if f.condition == condition)

    def is_replaced(self, finding: Finding) -> bool:
        """True when every source of ``finding`` has been replaced by a newer one (an update
        of the same review): the finding stays in the detail and provenance, marked, but
        never sets the best certainty, the catalog or a chart's default."""
        replaced = {s.id for s in self.sources if s.replaced_by}
        return bool(finding.sources) and all(ref in replaced for ref in finding.sources)

    def current_findings_for(self, condition: str | None) -> tuple[Finding, ...]:
        """:meth:`findings_for` without the findings resting only on replaced sources."""
        return tuple(f for f in self.findings_for(condition) if not self.is_replaced(f))


@dataclass(frozen=True, kw_only=True)
class Statistic:
    """A prevalence or outcome figure, with its provenance and honest context."""

    id: str
    label: str
    plain_label: str
    value: float
    value_low: float | None = None
    value_high: float | None = None
    unit: str
    denominator: str
    of_people: bool = True
    population: str
    plain_population: str
    timeframe: str
    note: str | None = None
    seed_claim: str | None = None
    verdict: str | None = None
    caution: bool = field(default=False, init=False)
    """Derived: flagged when its source, or the summary it was read in, needs caution."""
    source: SourceRef
    read_in: SourceRef | None = None

    def __post_init__(self) -> None:
        flagged = self.source.needs_caution or (
            self.read_in is not None and self.read_in.needs_caution
        )
        object.__setattr__(self, "caution", flagged)

    @property
    def needs_caution(self) -> bool:
        """Flagged when its source, or the summary it was read in, needs caution."""
        return self.caution


@dataclass(frozen=True, kw_only=True)
class KnowledgeBaseInfo:
    kb_version: str
    title: str
    last_reviewed: dt.date
    evidence_current_to: str
    update_policy: str
    funding: str
    conflicts_of_interest: str
    authorship: str
    reading_level: str
    disclaimer: str
    review_interval_months: int = 24
    scope: str | None = None
    plain_scope: str | None = None
    content_origin: str


@dataclass(frozen=True, kw_only=True)
class GlossaryEntry:
    term: str
    definition: str
    plain_definition: str
    synonyms: tuple[str, ...] = ()
    treatments: tuple[str, ...] = ()
    plain_treatment_names: tuple[str, ...] = ()
    """The plain names of ``treatments``, in the same order (resolved by the repository, like
    sources), so a plain view can name its links without another lookup."""

    @property
    def plain_names(self) -> dict[str, str]:
        """Slug -> plain name of the linked treatments ('' where a name is missing)."""
        return dict(zip(self.treatments, self.plain_treatment_names, strict=False))


@dataclass(frozen=True, kw_only=True)
class FaqEntry:
    question: str
    plain_question: str
    answer: str
    plain_answer: str
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RedFlag:
    """A sign that back pain may have a serious cause: the one list of the knowledge base."""

    text: str
    plain_text: str
    why: str
    plain_why: str
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PathwayStep:
    step: int
    title: str
    plain_title: str
    description: str
    plain_description: str
    escalation_criteria: tuple[str, ...]
    treatments: tuple[str, ...]
    sources: tuple[SourceRef, ...] = ()
    plain_escalation_criteria: tuple[str, ...] = ()
    plain_treatment_names: tuple[str, ...] = ()
    """The plain names of ``treatments``, in the same order (as for glossary entries)."""

    @property
    def plain_names(self) -> dict[str, str]:
        """Slug -> plain name of the treatments at this step ('' where a name is missing)."""
        return dict(zip(self.treatments, self.plain_treatment_names, strict=False))


DERIVED_VERSION = 2
"""Version of how :func:`summarize` derives a catalog row from a treatment. Bump it whenever
that changes (2: findings resting only on replaced sources no longer count): a stored
knowledge base derived by another version is derived again from its
treatments when it is opened (imported content keeps working after an upgrade)."""


def summarize(treatment: Treatment) -> TreatmentSummary:
    """The catalog row of ``treatment``: the best certainty of any finding per condition, and
    the directions (benefit, no benefit…) of all findings for that condition, so a summary can
    say "mixed" whenever the findings disagree. Findings resting only on replaced sources
    (:meth:`Treatment.is_replaced`) do not count: a newer review of the same question speaks
    for it."""
    best: dict[str, Certainty] = {}
    directions: dict[str, set[Direction]] = {}
    for finding in treatment.current_findings_for(None):
        known = best.get(finding.condition)
        if known is None or finding.certainty.rank > known.rank:
            best[finding.condition] = finding.certainty
        directions.setdefault(finding.condition, set()).add(finding.direction)
    return TreatmentSummary(
        slug=treatment.slug,
        name=treatment.name,
        category=treatment.category,
        approach=treatment.approach,
        invasiveness=treatment.invasiveness,
        conditions=treatment.conditions,
        synonyms=treatment.synonyms,
        plain_name=treatment.plain_name,
        plain_summary=treatment.plain_summary,
        mechanism=treatment.mechanism,
        best_certainty=best,
        best_directions={c: frozenset(d) for c, d in directions.items()},
    )


@dataclass(frozen=True)
class ExplorerSnapshot:
    """Everything the catalog and the reference views need, read in one go."""

    info: KnowledgeBaseInfo
    conditions: tuple[Condition, ...]
    treatments: tuple[TreatmentSummary, ...]
    glossary: tuple[GlossaryEntry, ...]
    faq: tuple[FaqEntry, ...]
    pathway: tuple[PathwayStep, ...]
    statistics: tuple[Statistic, ...] = ()
