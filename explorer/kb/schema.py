"""The knowledge-base document: the one format of content files, exports and imports.

The curated files in ``db/knowledge/`` (TOML, reviewed in diffs) and a JSON export
both describe one :class:`KnowledgeDocument`. Pydantic checks types and
vocabularies; :mod:`explorer.kb.validate` checks cross-references. Field order here
is the order of the JSON export, so an export reads like the content files.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

from explorer.domain.vocab import (
    Analysis,
    Approach,
    Causation,
    Certainty,
    Direction,
    Funding,
    GuidelineStance,
    Invasiveness,
    Outcome,
    SourceKind,
)
from explorer.kb.version import FORMAT_NAME, FORMAT_VERSION

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "KnowledgeDocument"]

MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
"""The start of an HTML/XML tag, comment or declaration, or a character entity. No field of
the knowledge base holds markup: every text is plain text, shown escaped or as plain text,
and markup in it can only be a mistake or an attack (``<img src="file:…">`` made Qt read a
local file). ``<`` before a digit or a space ("<4%") and a bare ``&`` ("PM&R") are text."""


def _plain(value: str) -> str:
    found = MARKUP.search(value)
    if found is not None:
        raise ValueError(
            f"markup such as {found.group()!r} is not allowed here; write plain text "
            "('<' and '&' on their own are fine, not as a tag or an entity)"
        )
    return value


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4000, strip_whitespace=True),
    AfterValidator(_plain),
]
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=400, strip_whitespace=True),
    AfterValidator(_plain),
]
PlainName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80, strip_whitespace=True),
    AfterValidator(_plain),
]
SourceIds = Annotated[list[Slug], Field(min_length=1, max_length=50)]


class _Strict(BaseModel):
    """Unknown fields are errors: a typo in a content file must not vanish silently.

    Numbers and flags are strict (``"1.5"``, ``1`` for true or ``2001.0`` for a year are
    refused, not converted) and NaN and infinities are refused everywhere.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Meta(_Strict):
    kb_version: Annotated[str, StringConstraints(pattern=r"^\d{4}\.\d{1,2}\.\d{1,3}$")]
    title: ShortText
    last_reviewed: dt.date
    evidence_current_to: ShortText
    update_policy: Text
    funding: Text
    conflicts_of_interest: Text
    authorship: Text
    reading_level: Text
    disclaimer: Text
    review_interval_months: Annotated[StrictInt, Field(ge=1, le=120)] = 24
    """A treatment whose ``last_reviewed`` is older than this is past its review date
    (``explorer kb audit`` warns)."""
    scope: Text | None = None
    """What the knowledge base covers and what it does not, and why (clinician wording).
    Optional in the format (a format-3 document has none); ``explorer kb audit`` demands it."""
    plain_scope: Text | None = None
    """The same in plain words; required exactly when ``scope`` is given."""


class Condition(_Strict):
    slug: Slug
    name: ShortText
    plain_name: ShortText
    description: Text
    plain_description: Text


class Source(_Strict):
    id: Slug
    kind: SourceKind
    peer_reviewed: StrictBool
    industry_link: StrictBool = False
    citation: Text
    year: Annotated[StrictInt, Field(ge=1900, le=2100)] | None = None
    pmid: Annotated[str, StringConstraints(pattern=r"^\d{1,9}$")] | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    url: Annotated[str, StringConstraints(pattern=r'^https?://[^\s<>"]+$')] | None = None
    no_identifier_reason: ShortText | None = None
    """Why a peer-reviewed source has neither PMID nor DOI (``explorer kb audit`` asks for
    one of the three)."""
    funding: Funding
    """Who paid for the work, as the source declares it ("not reported" where it does not).
    Industry or mixed funding requires ``industry_link``."""
    funder: ShortText | None = None
    """Who paid, in a few words ("Relievant Medsystems, maker of the device")."""
    replaces: list[Slug] = Field(default_factory=list, max_length=20)
    """Ids of sources this one updates (a Cochrane update replacing its earlier version):
    their findings stay visible in provenance but never count as the best evidence."""
    stopped_early_for_benefit: StrictBool = False
    """A trial stopped early because an interim analysis favoured the treatment (such trials
    tend to overestimate the benefit): say so in the findings too."""
    note: Text | None = None


class Estimate(_Strict):
    """A number behind a finding, on a stated scale.

    ``value`` is the point estimate; ``ci_low``/``ci_high`` the 95 % interval where the
    source gives one. ``better`` says which direction favours the treatment, so a
    chart can orient its axis; ``mcid`` is the threshold of clinical importance the
    source used, on the same scale.
    """

    measure: Literal["MD", "SMD", "RR", "HR", "OR", "percent", "risk difference"]
    value: StrictFloat
    ci_low: StrictFloat | None = None
    ci_high: StrictFloat | None = None
    scale: ShortText
    better: Literal["lower", "higher"]
    mcid: StrictFloat | None = None
    participants: Annotated[StrictInt, Field(ge=1)] | None = None
    studies: Annotated[StrictInt, Field(ge=1)] | None = None


class Finding(_Strict):
    condition: Slug
    outcome: Outcome
    comparison: ShortText
    certainty: Certainty
    certainty_note: ShortText | None = None
    direction: Direction
    effect: Text
    plain_effect: Text
    timepoint: ShortText
    plain_timepoint: ShortText
    timepoint_weeks: Annotated[StrictFloat, Field(ge=0, le=1040)] | None = None
    estimate: Estimate | None = None
    analysis: Analysis | None = None
    """How the trial's result was analysed, where the source states it (a per-protocol
    result beside an intention-to-treat one is not the same finding)."""
    sources: SourceIds


class Harm(_Strict):
    description: Text
    plain_description: Text
    frequency: ShortText
    """How often, from the sources ("about 1 in 10,000"; "not established" where unknown)."""
    plain_frequency: ShortText
    serious: StrictBool = False
    certainty: Certainty | None = None
    """The certainty of the evidence about the harm; absent: not established."""
    causation: Causation
    """Whether the treatment is known to cause the harm or it was only reported after it."""
    regulator_warning: ShortText | None = None
    """The regulator, year and warning ("FDA boxed warning (2005; strengthened 2015)"); a harm
    a regulator warns of is serious (checked)."""
    sources: SourceIds


class GuidelinePosition(_Strict):
    body: ShortText
    """"ACP 2017", "NICE NG59" and "WHO 2023" exactly as spelled (a part of the guideline may
    follow in brackets: "NICE NG59 (sciatica)"); other bodies freely (checked)."""
    stance: GuidelineStance
    position: Text
    plain_position: Text
    """One or two short sentences naming the body in plain words ("A group of US doctors
    (ACP) …"); the stance itself is shown with the vocabulary's plain word."""
    sources: SourceIds


class Timeframe(_Strict):
    """When benefit starts and how long it lasts, in weeks; None means not established."""

    onset_weeks_min: Annotated[StrictFloat, Field(ge=0, le=520)] | None = None
    onset_weeks_max: Annotated[StrictFloat, Field(ge=0, le=520)] | None = None
    course: Text
    plain_course: Text
    duration_of_effect: Text
    plain_duration_of_effect: Text
    duration_weeks_min: Annotated[StrictFloat, Field(ge=0, le=1040)] | None = None
    duration_weeks_max: Annotated[StrictFloat, Field(ge=0, le=1040)] | None = None
    note: Text | None = None


class Treatment(_Strict):
    slug: Slug
    name: ShortText
    plain_name: PlainName
    """What patients call it, short; the name they will hear from a clinician may follow in
    brackets ("Steroid shot near the spine nerves (epidural injection)")."""
    category: ShortText
    approach: Approach
    invasiveness: Invasiveness
    synonyms: list[ShortText] = Field(default_factory=list, max_length=40)
    mechanism: Text
    plain_mechanism: Text
    plain_summary: Text
    conditions: Annotated[list[Slug], Field(min_length=1, max_length=40)]
    delivered_by: ShortText
    plain_delivered_by: ShortText
    patient_commitment: Text
    timeframe: Timeframe
    harms: Annotated[list[Harm], Field(min_length=1, max_length=40)]
    regulatory_note: Text | None = None
    plain_regulatory_note: Text | None = None
    """Required exactly when ``regulatory_note`` is given (checked in validate.cross_check)."""
    guidelines: list[GuidelinePosition] = Field(default_factory=list, max_length=40)
    findings: list[Finding] = Field(default_factory=list, max_length=200)
    last_reviewed: dt.date


class Statistic(_Strict):
    """A prevalence or outcome figure. ``source`` is where it comes from; ``read_in`` names
    the secondary summary the figure was actually read in, when it was not read in ``source``.
    ``of_people`` is False for a percentage of something other than people (procedures,
    years lived with disability): such a figure is never drawn as people out of 100.
    """

    id: Slug
    label: ShortText
    plain_label: ShortText
    """The figure in plain words. For a percentage of people that can be drawn as people out of
    100, a clause whose subject is the people counted ("People with sciatica who saw a family
    doctor were clearly better a year later"): plain mode puts words for the number in front
    ("About half of people with sciatica …: 55 out of 100"). Otherwise a label that stands
    alone ("People around the world with low back pain in 2020")."""
    plain_population: Text
    """Who was counted, how many, over what time, and what the count means, in one to three
    short sentences (the plain caption under the figure)."""
    value: StrictFloat
    value_low: StrictFloat | None = None
    value_high: StrictFloat | None = None
    unit: ShortText
    denominator: ShortText
    of_people: StrictBool = True
    population: ShortText
    timeframe: ShortText
    source: Slug
    read_in: Slug | None = None
    note: Text | None = None
    seed_claim: Text | None = None
    verdict: Literal["confirmed", "overstated", "unsourced", "not verified", "context"] | None = (
        None
    )


class PathwayStep(_Strict):
    step: Annotated[StrictInt, Field(ge=1, le=20)]
    title: ShortText
    plain_title: ShortText
    description: Text
    plain_description: Text
    escalation_criteria: Annotated[list[ShortText], Field(min_length=1, max_length=20)]
    plain_escalation_criteria: Annotated[list[ShortText], Field(min_length=1, max_length=20)]
    """One plain sentence per escalation criterion, in the same order (checked)."""
    treatments: list[Slug] = Field(default_factory=list, max_length=40)
    sources: list[Slug] = Field(default_factory=list, max_length=20)


class GlossaryEntry(_Strict):
    term: ShortText
    definition: Text
    plain_definition: Text
    synonyms: list[ShortText] = Field(default_factory=list, max_length=40)
    treatments: list[Slug] = Field(default_factory=list, max_length=40)


class FaqEntry(_Strict):
    question: ShortText
    plain_question: ShortText
    answer: Text
    plain_answer: Text
    sources: list[Slug] = Field(default_factory=list, max_length=20)


class RedFlag(_Strict):
    """A sign that back pain may have a serious cause and needs prompt assessment. The
    document's ``red_flags`` are the one list the care pathway, patient mode and the PDFs
    show."""

    text: ShortText
    plain_text: ShortText
    why: Text
    """What it may point to, and how strongly the sources say it does."""
    plain_why: Text
    sources: SourceIds


class KnowledgeDocument(_Strict):
    format: Literal["spine-treatment-explorer/knowledge-base"] = (
        "spine-treatment-explorer/knowledge-base"
    )
    format_version: Literal[4] = 4
    meta: Meta
    conditions: Annotated[list[Condition], Field(min_length=1, max_length=1000)]
    sources: Annotated[list[Source], Field(min_length=1, max_length=100_000)]
    treatments: Annotated[list[Treatment], Field(min_length=1, max_length=100_000)]
    statistics: list[Statistic] = Field(default_factory=list, max_length=10_000)
    pathway: list[PathwayStep] = Field(default_factory=list, max_length=20)
    glossary: list[GlossaryEntry] = Field(default_factory=list, max_length=5_000)
    faq: list[FaqEntry] = Field(default_factory=list, max_length=1_000)
    red_flags: list[RedFlag] = Field(default_factory=list, max_length=100)
    """Optional in the format (a format-3 document has none); ``explorer kb audit`` demands
    them."""
