"""``explorer kb audit``: the knowledge base checks itself against the IPDAS certification
items and the project's own content rules.

Validation (:mod:`explorer.kb.validate`) refuses what cannot be loaded; the audit reports what
can be loaded but falls short of the content standard. Each :class:`AuditFinding` names its
rule, the entry (``treatments[epidural-steroid-injection]``) and the field (``harms[2].serious``)
and says what to do. Errors are content that misleads (a harm a regulator warns of, not marked
serious); warnings are gaps to close. ``--strict`` fails on warnings too.

The rules (``RULES``):

- ``identifier``: a peer-reviewed source has a PMID or a DOI, or says why not
  (``no_identifier_reason``: a real reason, not a placeholder such as "not yet looked up",
  "were not retrieved", "not found", "TODO" or fewer than 15 characters).
- ``funding``: an industry-linked, industry or marketing source records who paid (not
  "not reported"), or says in ``funder`` what is known of it.
- ``replaced-evidence``: no condition's evidence rests only on replaced sources, and no
  statistic or guideline position cites a replaced source.
- ``regulator-warning``: a harm a regulator warns of is serious; a regulatory note that
  mentions a regulator's warning has a harm carrying it.
- ``guideline-bodies``: a position from each of ACP 2017, NICE NG59 and WHO 2023 (stance "not
  addressed" where the guideline does not cover the treatment).
- ``synonym``: a search synonym leads to an entry that has evidence (findings) at all.
- ``reading-level``: every plain (patient) field reads at US grade 8 or below
  (Flesch-Kincaid, as tests/kb/test_reading_level.py measures).
- ``word-limit``: fields with a word limit (:data:`WORD_LIMITS`, e.g. ``glance_*``) keep it.
- ``review-date``: no treatment is past its review date (``meta.review_interval_months``).
- ``red-flags``: the document lists red flags.
- ``pathway-red-flags``: where the document lists red flags, every care-pathway step has an
  escalation criterion that refers to that one list (:data:`RED_FLAGS_REFERENCE`) and, at the
  same place, a plain criterion that refers to it in patient words
  (:data:`PLAIN_RED_FLAGS_REFERENCE`), so no step keeps a red-flag list of its own.
- ``scope``: the document states its scope (``meta.scope``).

A note (``NOTE_RULES``), never failing: ``guideline-not-verified`` lists each guideline
position with stance "not verified" (the body's position could not be checked).

Numbers sourced with kind and peer-review flag are enforced by validation already (every
finding, harm, position and statistic cites at least one known source; every source has a
kind and a peer-review flag).
"""

from __future__ import annotations

import calendar
import datetime as dt
import fnmatch
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from explorer.domain.vocab import GUIDELINE_BODIES, Funding, GuidelineStance, SourceKind
from explorer.kb.schema import KnowledgeDocument
from explorer.kb.validate import body_name

Severity = Literal["error", "warning", "note"]

MAX_GRADE = 8.0
"""US school grade (Flesch-Kincaid) every plain field reads at or below."""

WORD_LIMITS: dict[str, int] = {"glance_*": 25}
"""Field-name patterns (fnmatch) -> the most words such a field may hold, anywhere in the
document. The at-a-glance answers (``glance_*``) are short by design."""

NOT_GRADED = frozenset({"plain_name"})
"""Plain fields too short for a reading grade (names: checked for jargon by the tests)."""

RULES = (
    "identifier",
    "funding",
    "replaced-evidence",
    "regulator-warning",
    "guideline-bodies",
    "synonym",
    "reading-level",
    "word-limit",
    "review-date",
    "red-flags",
    "pathway-red-flags",
    "scope",
)

NOTE_RULES = ("guideline-not-verified",)
"""Rules that only inform: their findings (``AuditReport.notes``) are listed but never fail
the audit, not even ``--strict``. A guideline position that could not be checked is a fact
about the review, not a defect to hide by writing "not addressed"."""

RED_FLAGS_REFERENCE = "see the red flags list"
"""What a pathway step's escalation criterion says to point at the document's red flags."""

PLAIN_RED_FLAGS_REFERENCE = "see the list of warning signs"
"""Its plain counterpart (same position in ``plain_escalation_criteria``)."""

_REGULATOR_WARNING = re.compile(r"\b(FDA|EMA|MHRA)\b[^.]*\bwarn", re.IGNORECASE)


@dataclass(frozen=True)
class AuditFinding:
    rule: str
    severity: Severity
    entry: str
    """``treatments[slug]``, ``sources[id]``, ``statistics[id]``, ``meta``…"""
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.entry}.{self.field}" if self.field else self.entry
        return f"{self.severity}: {where}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class AuditReport:
    findings: tuple[AuditFinding, ...]
    notes: tuple[AuditFinding, ...] = ()
    """Findings of :data:`NOTE_RULES`: listed, never failing."""

    @property
    def errors(self) -> tuple[AuditFinding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[AuditFinding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    def passed(self, *, strict: bool) -> bool:
        return not self.errors and not (strict and self.warnings)

    def summary(self) -> str:
        return (
            f"audit: {len(self.errors)} error(s), {len(self.warnings)} warning(s), "
            f"{len(self.notes)} note(s) ({len(RULES)} rules)"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rules": list(RULES),
            "findings": [asdict(f) for f in self.findings],
            "note_rules": list(NOTE_RULES),
            "notes": [asdict(f) for f in self.notes],
        }


def audit(doc: KnowledgeDocument, *, today: dt.date | None = None) -> AuditReport:
    """Every rule over ``doc`` (a validated document)."""
    today = today or dt.date.today()
    found: list[AuditFinding] = []
    for check in (
        _identifiers,
        _funding,
        _replaced,
        _regulator_warnings,
        _guideline_bodies,
        _synonyms,
        _reading_level,
        _word_limits,
        _red_flags,
        _pathway_red_flags,
    ):
        found.extend(check(doc))
    found.extend(_review_dates(doc, today))
    return AuditReport(tuple(found), tuple(_unverified_positions(doc)))


def _warn(rule: str, entry: str, field: str, message: str) -> AuditFinding:
    return AuditFinding(rule, "warning", entry, field, message)


MIN_REASON_CHARS = 15
"""A ``no_identifier_reason`` shorter than this cannot say why a source has no identifier."""

_PLACEHOLDER_REASON = re.compile(
    r"\b(?:not\s+(?:yet\s+)?(?:been\s+)?(?:looked\s+up|retrieved|found|checked|searched)|"
    r"could\s+not\s+(?:be\s+)?(?:found|retrieved)|to\s*do|tbd|tbc|fixme|xxx|"
    r"to\s+be\s+(?:added|checked|done|looked\s+up|verified))\b|\?\?",
    re.IGNORECASE,
)
"""Wording that says nobody looked, not why there is nothing to find."""


def real_reason(reason: str) -> bool:
    """Whether ``reason`` can be a real reason for a missing identifier (not a placeholder
    such as "not yet looked up", "TODO" or a few characters)."""
    return len(reason.strip()) >= MIN_REASON_CHARS and not _PLACEHOLDER_REASON.search(reason)


def _identifiers(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    for s in doc.sources:
        if not s.peer_reviewed or s.pmid is not None or s.doi is not None:
            continue
        if not s.no_identifier_reason:
            yield _warn(
                "identifier",
                f"sources[{s.id}]",
                "pmid",
                "a peer-reviewed source needs a PMID or a DOI, or no_identifier_reason "
                "saying why it has none",
            )
        elif not real_reason(s.no_identifier_reason):
            yield _warn(
                "identifier",
                f"sources[{s.id}]",
                "no_identifier_reason",
                f"{s.no_identifier_reason!r} is a placeholder, not a reason: look the PMID or "
                "DOI up, or say why the source has none (e.g. 'conference abstract, not "
                "indexed in PubMed')",
            )


def _funding(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    for s in doc.sources:
        linked = s.industry_link or s.kind in (SourceKind.INDUSTRY, SourceKind.MARKETING)
        if linked and s.funding is Funding.NOT_REPORTED and not s.funder:
            yield _warn(
                "funding",
                f"sources[{s.id}]",
                "funding",
                "an industry-linked source must say who paid for it (funding), or in funder "
                "what is known of who paid and how it is linked",
            )


def _replaced(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    replaced = {old for s in doc.sources for old in s.replaces}
    if not replaced:
        return
    for t in doc.treatments:
        current: dict[str, bool] = {}
        for f in t.findings:
            rests_on_replaced = all(ref in replaced for ref in f.sources)
            current[f.condition] = current.get(f.condition, False) or not rests_on_replaced
        for condition, has_current in current.items():
            if not has_current:
                yield _warn(
                    "replaced-evidence",
                    f"treatments[{t.slug}]",
                    "findings",
                    f"every finding for {condition!r} rests on replaced sources; add the "
                    "findings of the source that replaces them",
                )
        for j, g in enumerate(t.guidelines):
            for ref in g.sources:
                if ref in replaced:
                    yield _warn(
                        "replaced-evidence",
                        f"treatments[{t.slug}]",
                        f"guidelines[{j}].sources",
                        f"cites {ref!r}, which a newer source replaces",
                    )
    for st in doc.statistics:
        cited = {"source": st.source, "read_in": st.read_in}
        for label, cited_ref in cited.items():
            if cited_ref is not None and cited_ref in replaced:
                yield _warn(
                    "replaced-evidence",
                    f"statistics[{st.id}]",
                    label,
                    f"cites {cited_ref!r}, which a newer source replaces",
                )


def _regulator_warnings(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    for t in doc.treatments:
        for j, h in enumerate(t.harms):
            if h.regulator_warning is not None and not h.serious:
                yield AuditFinding(
                    "regulator-warning",
                    "error",
                    f"treatments[{t.slug}]",
                    f"harms[{j}].serious",
                    "a regulator warns of this harm; mark it serious",
                )
        note = t.regulatory_note or ""
        if _REGULATOR_WARNING.search(note) and not any(h.regulator_warning for h in t.harms):
            yield _warn(
                "regulator-warning",
                f"treatments[{t.slug}]",
                "harms",
                "the regulatory note mentions a regulator's warning, but no harm carries it "
                "(regulator_warning, serious)",
            )


def _guideline_bodies(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    for t in doc.treatments:
        named = {body_name(g.body) for g in t.guidelines}
        for body in GUIDELINE_BODIES:
            if body not in named:
                yield _warn(
                    "guideline-bodies",
                    f"treatments[{t.slug}]",
                    "guidelines",
                    f"no position from {body!r}; add one, or stance "
                    f"{GuidelineStance.NOT_ADDRESSED.value!r} saying why it does not cover this",
                )


def _unverified_positions(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    for t in doc.treatments:
        for j, g in enumerate(t.guidelines):
            if g.stance is GuidelineStance.NOT_VERIFIED:
                yield AuditFinding(
                    "guideline-not-verified",
                    "note",
                    f"treatments[{t.slug}]",
                    f"guidelines[{j}].stance",
                    f"the position of {g.body!r} could not be checked; verify it when the "
                    "guideline text is at hand",
                )


def _synonyms(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    for t in doc.treatments:
        if t.synonyms and not t.findings:
            yield _warn(
                "synonym",
                f"treatments[{t.slug}]",
                "synonyms",
                f"{len(t.synonyms)} search synonym(s) ({', '.join(t.synonyms[:3])}…) lead to "
                "an entry with no findings; add its evidence or drop the synonyms",
            )


def plain_fields(data: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, field name, text) of every ``plain_*`` text in a dumped document, with
    ``patient_commitment`` (patient wording without the prefix)."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            plain = str(key).startswith("plain_") or key == "patient_commitment"
            if plain and isinstance(value, str):
                yield sub, str(key), value
            elif plain and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        yield f"{sub}[{i}]", str(key), item
            else:
                yield from plain_fields(value, sub)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from plain_fields(item, f"{path}[{i}]")


def _all_fields(data: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            yield sub, str(key), value
            yield from _all_fields(value, sub)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _all_fields(item, f"{path}[{i}]")


_KEYS = {"treatments": "slug", "sources": "id", "statistics": "id", "conditions": "slug"}


def _entry_and_field(doc_data: Mapping[str, Any], path: str) -> tuple[str, str]:
    """``treatments[3].harms[0].plain_description`` -> ``treatments[slug]``,
    ``harms[0].plain_description``."""
    match = re.match(r"^([a-z_]+)\[(\d+)\]\.?(.*)$", path)
    if match is None:
        head, _, rest = path.partition(".")
        return head, rest
    section, index, rest = match.group(1), int(match.group(2)), match.group(3)
    key = _KEYS.get(section)
    if key is not None:
        return f"{section}[{doc_data[section][index][key]}]", rest
    return f"{section}[{index}]", rest


def _reading_level(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    import textstat  # type: ignore[import-untyped]

    data = doc.model_dump(mode="json")
    for path, name, text in plain_fields(data):
        if name in NOT_GRADED:
            continue
        grade = float(textstat.flesch_kincaid_grade(text))
        if grade > MAX_GRADE:
            entry, field = _entry_and_field(data, path)
            yield _warn(
                "reading-level",
                entry,
                field,
                f"reads at grade {grade:.1f} (at most {MAX_GRADE:g}): shorter sentences, "
                "plainer words",
            )


def _word_limits(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    yield from word_limit_findings(doc.model_dump(mode="json"))


def word_limit_findings(data: Mapping[str, Any]) -> Iterator[AuditFinding]:
    """The word-limit rule over a dumped document (any field matching :data:`WORD_LIMITS`)."""
    for path, name, value in _all_fields(data):
        for pattern, limit in WORD_LIMITS.items():
            if fnmatch.fnmatchcase(name, pattern) and isinstance(value, str):
                words = len(value.split())
                if words > limit:
                    entry, field = _entry_and_field(data, path)
                    yield _warn(
                        "word-limit",
                        entry,
                        field,
                        f"{words} words; a {pattern} field holds at most {limit}",
                    )


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _review_dates(doc: KnowledgeDocument, today: dt.date) -> Iterator[AuditFinding]:
    months = doc.meta.review_interval_months
    due = _months_before(today, months)
    for t in doc.treatments:
        if t.last_reviewed < due:
            yield _warn(
                "review-date",
                f"treatments[{t.slug}]",
                "last_reviewed",
                f"last reviewed {t.last_reviewed.isoformat()}, more than {months} months ago "
                f"(meta.review_interval_months); review it against newer evidence",
            )


def _red_flags(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    if not doc.red_flags:
        yield _warn(
            "red-flags", "document", "red_flags", "no red flags: list the signs of a serious cause"
        )
    if doc.meta.scope is None:
        yield _warn(
            "scope",
            "meta",
            "scope",
            "no scope statement: say what the knowledge base covers, what not, and why",
        )


def _pathway_red_flags(doc: KnowledgeDocument) -> Iterator[AuditFinding]:
    if not doc.red_flags:
        return
    for step in doc.pathway:
        pairs = zip(step.escalation_criteria, step.plain_escalation_criteria, strict=False)
        if not any(
            RED_FLAGS_REFERENCE in text.casefold() and PLAIN_RED_FLAGS_REFERENCE in plain.casefold()
            for text, plain in pairs
        ):
            yield _warn(
                "pathway-red-flags",
                f"pathway[step {step.step}]",
                "escalation_criteria",
                f"no escalation criterion refers to the red flags: start one with 'Any red flag "
                f"({RED_FLAGS_REFERENCE})' and its plain sentence, at the same place, with "
                f"'Any warning sign ({PLAIN_RED_FLAGS_REFERENCE})'",
            )
