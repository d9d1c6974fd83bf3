"""Turn raw content into a checked :class:`KnowledgeDocument`, or say exactly what is wrong.

Two passes. Pydantic checks each value's type and vocabulary; then
:func:`cross_check` checks what no single field can: unknown conditions, missing
sources, duplicate slugs and ids, pathway steps out of order. Every problem names
its file, its entry (by index and slug) and its field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from explorer.domain.vocab import GUIDELINE_BODIES
from explorer.kb.content_errors import ContentError, Problem
from explorer.kb.files import MAX_PROBLEMS, RawContent, read_content
from explorer.kb.schema import KnowledgeDocument
from explorer.kb.upgrade import upgrade_document

_ENTRY_NAME_KEYS = ("slug", "id", "term", "step", "question", "text")


def load_document(path: Path) -> KnowledgeDocument:
    """Read and fully check content at ``path`` (directory or JSON file)."""
    return validate_raw(read_content(path))


def validate_raw(raw: RawContent) -> KnowledgeDocument:
    """Upgrade a document of an older format where a step exists
    (:mod:`explorer.kb.upgrade`), then check it."""
    upgraded = upgrade_document(raw.data)
    if upgraded is not raw.data:
        raw = replace(raw, data=upgraded)
    try:
        document = KnowledgeDocument.model_validate(raw.data)
    except ValidationError as exc:
        raise ContentError(_problems_from_pydantic(raw, exc), exc.error_count()) from exc
    problems = cross_check(document, raw)
    if problems:
        raise ContentError(problems[:MAX_PROBLEMS], len(problems))
    return document


def _entry_label(raw: RawContent, section: str, index: int) -> str:
    items = raw.data.get(section)
    name = ""
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        for key in _ENTRY_NAME_KEYS:
            value = items[index].get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                name = f" {str(value)[:60]!r}"
                break
    return f"{section}[{index}]{name}"


def _format_path(parts: tuple[int | str, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(error: ErrorDetails) -> str:
    message = str(error.get("msg", "invalid value"))
    value = error.get("input")
    if error.get("type") == "missing":
        return "required field is missing"
    if error.get("type") == "extra_forbidden":
        return "unknown field (check the spelling)"
    if error.get("type") == "value_error":  # our own checks: their message is the sentence
        message = message.removeprefix("Value error, ")
    if isinstance(value, str | int | float | bool) and len(repr(value)) <= 80:
        return f"{message} (got {value!r})"
    return message


def _problems_from_pydantic(raw: RawContent, exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False)[:MAX_PROBLEMS]:
        loc = tuple(error["loc"])
        section = str(loc[0]) if loc else ""
        if len(loc) >= 2 and isinstance(loc[1], int) and section in raw.origins:
            index = loc[1]
            file = raw.origin(section, index)
            entry = _entry_label(raw, section, index)
            field = _format_path(loc[2:])
        else:
            file = raw.default_origin
            entry = ""
            field = _format_path(loc)
        problems.append(Problem(file, entry, field, _describe(error)))
    return problems


def cross_check(doc: KnowledgeDocument, raw: RawContent | None = None) -> list[Problem]:
    """Consistency checks across entries; returns the problems found (empty when sound)."""
    problems: list[Problem] = []

    def where(section: str, index: int) -> tuple[str, str]:
        if raw is None:
            return "<document>", f"{section}[{index}]"
        return raw.origin(section, index), _entry_label(raw, section, index)

    def duplicates(section: str, keys: list[str], label: str) -> None:
        counts = Counter(keys)
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if counts[key] > 1 and key in seen:
                file, entry = where(section, index)
                problems.append(Problem(file, entry, label, f"duplicate {label} {key!r}"))
            seen.add(key)

    duplicates("conditions", [c.slug for c in doc.conditions], "slug")
    duplicates("sources", [s.id for s in doc.sources], "id")
    duplicates("treatments", [t.slug for t in doc.treatments], "slug")
    duplicates("statistics", [s.id for s in doc.statistics], "id")
    duplicates("glossary", [g.term.casefold() for g in doc.glossary], "term")
    duplicates("pathway", [str(p.step) for p in doc.pathway], "step")

    conditions = {c.slug for c in doc.conditions}
    sources = {s.id for s in doc.sources}
    treatments = {t.slug for t in doc.treatments}

    def check_refs(
        section: str, index: int, field: str, refs: list[str], known: set[str], what: str
    ) -> None:
        seen_refs: set[str] = set()
        for ref in refs:
            if ref in seen_refs:
                file, entry = where(section, index)
                problems.append(Problem(file, entry, field, f"{what} {ref!r} is listed twice"))
            seen_refs.add(ref)
        for ref in refs:
            if ref not in known:
                file, entry = where(section, index)
                problems.append(Problem(file, entry, field, f"unknown {what} {ref!r}"))

    for i, t in enumerate(doc.treatments):
        check_refs("treatments", i, "conditions", t.conditions, conditions, "condition")
        for j, finding in enumerate(t.findings):
            field = f"findings[{j}]"
            check_refs(
                "treatments", i, f"{field}.condition", [finding.condition], conditions, "condition"
            )
            if finding.condition in conditions and finding.condition not in t.conditions:
                file, entry = where("treatments", i)
                problems.append(
                    Problem(
                        file,
                        entry,
                        f"{field}.condition",
                        f"condition {finding.condition!r} is not in this "
                        "treatment's conditions list",
                    )
                )
            check_refs("treatments", i, f"{field}.sources", finding.sources, sources, "source")
            est = finding.estimate
            if (
                est is not None
                and est.ci_low is not None
                and est.ci_high is not None
                and not (est.ci_low <= est.value <= est.ci_high)
            ):
                file, entry = where("treatments", i)
                problems.append(
                    Problem(
                        file,
                        entry,
                        f"{field}.estimate",
                        f"value {est.value} lies outside its interval "
                        f"{est.ci_low} to {est.ci_high}",
                    )
                )
        for j, harm in enumerate(t.harms):
            check_refs("treatments", i, f"harms[{j}].sources", harm.sources, sources, "source")
        for j, guideline in enumerate(t.guidelines):
            check_refs(
                "treatments", i, f"guidelines[{j}].sources", guideline.sources, sources, "source"
            )
        if (t.regulatory_note is None) != (t.plain_regulatory_note is None):
            file, entry = where("treatments", i)
            problems.append(
                Problem(
                    file, entry, "plain_regulatory_note", "required when regulatory_note is given"
                )
                if t.plain_regulatory_note is None
                else Problem(
                    file, entry, "plain_regulatory_note", "given without a regulatory_note"
                )
            )
        tf = t.timeframe
        for low, high, label in (
            (tf.onset_weeks_min, tf.onset_weeks_max, "onset_weeks"),
            (tf.duration_weeks_min, tf.duration_weeks_max, "duration_weeks"),
        ):
            if low is not None and high is not None and low > high:
                file, entry = where("treatments", i)
                problems.append(
                    Problem(
                        file,
                        entry,
                        f"timeframe.{label}_min",
                        f"minimum {low} is greater than maximum {high}",
                    )
                )

    problems.extend(_check_sources(doc, where))
    for i, t in enumerate(doc.treatments):
        for j, harm in enumerate(t.harms):
            if harm.regulator_warning is not None and not harm.serious:
                file, entry = where("treatments", i)
                problems.append(
                    Problem(
                        file,
                        entry,
                        f"harms[{j}].serious",
                        "a regulator warns of this harm (regulator_warning); mark it serious",
                    )
                )
        for j, guideline in enumerate(t.guidelines):
            message = body_name_problem(guideline.body)
            if message is not None:
                file, entry = where("treatments", i)
                problems.append(Problem(file, entry, f"guidelines[{j}].body", message))
    if (doc.meta.scope is None) != (doc.meta.plain_scope is None):
        problems.append(
            Problem(
                raw.default_origin if raw is not None else "<document>",
                "meta",
                "plain_scope" if doc.meta.plain_scope is None else "scope",
                "scope and plain_scope go together: give both or neither",
            )
        )
    for i, flag in enumerate(doc.red_flags):
        check_refs("red_flags", i, "sources", flag.sources, sources, "source")

    for i, s in enumerate(doc.statistics):
        check_refs("statistics", i, "source", [s.source], sources, "source")
        if s.read_in is not None:
            check_refs("statistics", i, "read_in", [s.read_in], sources, "source")
        if (
            s.value_low is not None
            and s.value_high is not None
            and not s.value_low <= s.value <= s.value_high
        ):
            file, entry = where("statistics", i)
            problems.append(
                Problem(file, entry, "value", f"{s.value} lies outside value_low..value_high")
            )
    for i, step in enumerate(doc.pathway):
        check_refs("pathway", i, "treatments", step.treatments, treatments, "treatment")
        check_refs("pathway", i, "sources", step.sources, sources, "source")
        if len(step.plain_escalation_criteria) != len(step.escalation_criteria):
            file, entry = where("pathway", i)
            problems.append(
                Problem(
                    file,
                    entry,
                    "plain_escalation_criteria",
                    f"needs one plain sentence per escalation criterion "
                    f"({len(step.escalation_criteria)}), got {len(step.plain_escalation_criteria)}",
                )
            )
        if step.step != i + 1:
            file, entry = where("pathway", i)
            problems.append(
                Problem(
                    file,
                    entry,
                    "step",
                    f"steps must be numbered 1, 2, 3… in order; expected {i + 1}",
                )
            )
    for i, g in enumerate(doc.glossary):
        check_refs("glossary", i, "treatments", g.treatments, treatments, "treatment")
    for i, q in enumerate(doc.faq):
        check_refs("faq", i, "sources", q.sources, sources, "source")
    return problems


def _normal(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_BODY_ALIASES = {
    "ACP 2017": ("acp", "americancollegeofphysicians"),
    "NICE NG59": ("nice", "nationalinstituteforhealthandcareexcellence"),
    "WHO 2023": ("who", "worldhealthorganization", "worldhealthorganisation"),
}


def body_name(body: str) -> str | None:
    """The required guideline ("ACP 2017", "NICE NG59", "WHO 2023") a position's ``body``
    names, or None for another body. A part may follow in brackets: "NICE NG59 (sciatica)"."""
    for name in GUIDELINE_BODIES:
        if body == name or body.startswith(name + " ("):
            return name
    return None


def body_name_problem(body: str) -> str | None:
    """Why ``body`` is a misspelling of one of the required guidelines, if it is one."""
    if body_name(body) is not None:
        return None
    normal = _normal(body)
    for name, aliases in _BODY_ALIASES.items():
        if (
            normal.startswith(_normal(name))
            or normal in aliases
            or any(len(alias) > 5 and normal.startswith(alias) for alias in aliases)
        ):
            return (
                f"write this guideline as {name!r} exactly (a part of it may follow in "
                f"brackets, e.g. {name + ' (sciatica)'!r}); got {body!r}"
            )
    return None


def _check_sources(
    doc: KnowledgeDocument, where: Callable[[str, int], tuple[str, str]]
) -> list[Problem]:
    """Funding, identifiers and replacements of the sources."""
    problems: list[Problem] = []
    ids = {s.id for s in doc.sources}
    for i, s in enumerate(doc.sources):
        file, entry = where("sources", i)
        if s.funding.involves_industry and not s.industry_link:
            problems.append(
                Problem(
                    file,
                    entry,
                    "industry_link",
                    f"funding is {s.funding.value!r}: set industry_link = true",
                )
            )
        if s.no_identifier_reason is not None and (s.pmid is not None or s.doi is not None):
            problems.append(
                Problem(
                    file,
                    entry,
                    "no_identifier_reason",
                    "given although the source has a PMID or DOI; remove it",
                )
            )
        seen: set[str] = set()
        for ref in s.replaces:
            if ref in seen:
                problems.append(Problem(file, entry, "replaces", f"source {ref!r} is listed twice"))
            seen.add(ref)
            if ref == s.id:
                problems.append(Problem(file, entry, "replaces", "a source cannot replace itself"))
            elif ref not in ids:
                problems.append(Problem(file, entry, "replaces", f"unknown source {ref!r}"))
    graph = {s.id: [r for r in s.replaces if r in ids and r != s.id] for s in doc.sources}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle: list[str] = list(exc.args[1])
        index = next(i for i, s in enumerate(doc.sources) if s.id == cycle[0])
        file, entry = where("sources", index)
        problems.append(
            Problem(
                file,
                entry,
                "replaces",
                "sources replace each other in a circle: " + " replaces ".join(reversed(cycle)),
            )
        )
    return problems
