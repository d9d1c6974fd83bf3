"""Controlled vocabularies of the knowledge base.

Every enum's value is the exact string used in content files, the JSON export and
the database, so a value can be read anywhere without translation.
"""

from __future__ import annotations

from enum import StrEnum


class Certainty(StrEnum):
    """GRADE certainty of a body of evidence for one outcome.

    Older Cochrane reviews say "quality"; we store the GRADE word. Where a source
    gives a range ("low to moderate") the content uses the lower bound and says so
    in the finding's certainty note.
    """

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very low"
    NOT_RATED = "not rated"

    @property
    def rank(self) -> int:
        """Order for filtering: high 4 … very low 1, not rated 0."""
        return _CERTAINTY_RANK[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def plain_label(self) -> str:
        """Wording for patients (after the GRADE working group's plain phrases)."""
        return _CERTAINTY_PLAIN[self]


_CERTAINTY_RANK = {
    Certainty.HIGH: 4,
    Certainty.MODERATE: 3,
    Certainty.LOW: 2,
    Certainty.VERY_LOW: 1,
    Certainty.NOT_RATED: 0,
}

_CERTAINTY_PLAIN = {
    Certainty.HIGH: "We are confident",
    Certainty.MODERATE: "We are fairly confident",
    Certainty.LOW: "We are not very confident",
    Certainty.VERY_LOW: "We are very unsure",
    Certainty.NOT_RATED: "No one has rated how sure we can be",
}


class Direction(StrEnum):
    """What a finding says the treatment does to the outcome."""

    BENEFIT = "benefit"
    NO_BENEFIT = "no benefit"
    HARM = "harm"
    UNCERTAIN = "uncertain"


class SourceKind(StrEnum):
    """The kind of document a number was read in."""

    SYSTEMATIC_REVIEW = "systematic review"
    RCT = "RCT"
    GUIDELINE = "guideline"
    GOVERNMENT = "government"
    COHORT = "cohort"
    REGISTRY = "registry or case series"
    INDUSTRY = "industry"
    MARKETING = "marketing"
    SECONDARY = "secondary summary"

    @property
    def needs_caution(self) -> bool:
        """Registry, industry, marketing and second-hand figures are flagged everywhere."""
        return self in CAUTION_KINDS

    @property
    def plain_label(self) -> str:
        """Wording for patients."""
        return _SOURCE_KIND_PLAIN[self]


_SOURCE_KIND_PLAIN = {
    SourceKind.SYSTEMATIC_REVIEW: "a review of many studies",
    SourceKind.RCT: "a fair test of the treatment",
    SourceKind.GUIDELINE: "advice from an expert group",
    SourceKind.GOVERNMENT: "a government source",
    SourceKind.COHORT: "a study that followed people over time",
    SourceKind.REGISTRY: "a study with no one to compare with",
    SourceKind.INDUSTRY: "the maker of the product",
    SourceKind.MARKETING: "an advert",
    SourceKind.SECONDARY: "a second-hand report",
}

CAUTION_KINDS = frozenset(
    {SourceKind.REGISTRY, SourceKind.INDUSTRY, SourceKind.MARKETING, SourceKind.SECONDARY}
)


class Approach(StrEnum):
    """Who drives the treatment: the patient (active), a clinician (passive) or both."""

    ACTIVE = "active"
    PASSIVE = "passive"
    HYBRID = "hybrid"


class Invasiveness(StrEnum):
    NON_INVASIVE = "non-invasive"
    MINIMALLY_INVASIVE = "minimally invasive"
    SURGICAL = "surgical"


class Outcome(StrEnum):
    """Outcomes a finding can report. Numbers for different outcomes never share an axis."""

    PAIN = "pain"
    LEG_PAIN = "leg pain"
    BACK_PAIN = "back pain"
    FUNCTION = "function"
    GLOBAL_IMPROVEMENT = "global improvement"
    RECOVERY = "recovery"
    RETURN_TO_WORK = "return to work"
    QUALITY_OF_LIFE = "quality of life"
    SATISFACTION = "satisfaction"
    SURGERY_AVOIDED = "surgery avoided"
    ADVERSE_EVENTS = "adverse events"

    @property
    def plain_label(self) -> str:
        """Wording for patients ("function" is "daily tasks")."""
        return _OUTCOME_PLAIN[self]


_OUTCOME_PLAIN = {
    Outcome.PAIN: "Pain",
    Outcome.LEG_PAIN: "Leg pain",
    Outcome.BACK_PAIN: "Back pain",
    Outcome.FUNCTION: "Daily tasks",
    Outcome.GLOBAL_IMPROVEMENT: "Feeling better overall",
    Outcome.RECOVERY: "Getting better",
    Outcome.RETURN_TO_WORK: "Going back to work",
    Outcome.QUALITY_OF_LIFE: "Quality of life",
    Outcome.SATISFACTION: "How pleased people were",
    Outcome.SURGERY_AVOIDED: "Not needing an operation",
    Outcome.ADVERSE_EVENTS: "Side effects",
}


class GuidelineStance(StrEnum):
    """A guideline's position on a treatment, reduced to a few words."""

    RECOMMENDED = "recommended"
    CONDITIONAL = "conditional"
    AGAINST = "against"
    NOT_ADDRESSED = "not addressed"
    NOT_VERIFIED = "not verified"
    """The body's position could not be checked for this knowledge base (not the same as "not
    addressed": the guideline may well take one). ``explorer kb audit`` lists each as a note."""

    @property
    def plain_label(self) -> str:
        """Wording for patients; the guideline's own plain sentence follows it."""
        return _STANCE_PLAIN[self]


_STANCE_PLAIN = {
    GuidelineStance.RECOMMENDED: "Advised",
    GuidelineStance.CONDITIONAL: "May be offered",
    GuidelineStance.AGAINST: "Advised against",
    GuidelineStance.NOT_ADDRESSED: "Not covered",
    GuidelineStance.NOT_VERIFIED: "Not checked yet",
}


class Funding(StrEnum):
    """Who paid for a source (as the source itself declares it)."""

    PUBLIC = "public"
    NON_PROFIT = "non-profit"
    INDUSTRY = "industry"
    MIXED = "mixed"
    """Public or non-profit money together with a manufacturer's."""
    NONE_DECLARED = "none declared"
    """The source says it had no specific funding."""
    NOT_REPORTED = "not reported"
    """The source does not say, or the knowledge base has not recorded it (an upgraded
    format-3 document): never read as "no industry money"."""

    @property
    def involves_industry(self) -> bool:
        return self in (Funding.INDUSTRY, Funding.MIXED)


class Causation(StrEnum):
    """Whether a harm is known to be caused by the treatment, or only reported after it."""

    ESTABLISHED = "established"
    PROBABLE = "probable"
    UNCERTAIN = "uncertain"
    NOT_ESTABLISHED = "not established"


class Analysis(StrEnum):
    """How a trial's result was analysed, where the source states it."""

    INTENTION_TO_TREAT = "intention-to-treat"
    PER_PROTOCOL = "per-protocol"
    AS_TREATED = "as-treated"


GUIDELINE_BODIES = ("ACP 2017", "NICE NG59", "WHO 2023")
"""The guidelines every treatment takes a position from (stance "not addressed" where the
guideline does not cover it), spelled exactly so; a position may name a part of the guideline
after the name in brackets ("NICE NG59 (sciatica)"). Other bodies may be added."""


NOT_ESTABLISHED = "not established"
"""What the product says wherever the evidence reference is silent."""

PLAIN_NOT_ESTABLISHED = "No one knows yet"
"""The same, in plain language."""

PLAIN_NOT_WRITTEN = "No plain wording yet. Ask your clinician."
"""Shown in plain mode where a knowledge base imported before plain fields existed has none:
plain mode never falls back to clinician wording."""

NO_REGULATORY_NOTE = "None noted in the sources reviewed"
PLAIN_NO_REGULATORY_NOTE = "The sources we checked say nothing about this."
