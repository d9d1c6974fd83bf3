"""Patient-facing text reads at US school grade 8 or below (Flesch-Kincaid, textstat)."""

from __future__ import annotations

from collections.abc import Iterator

import textstat

MAX_GRADE = 8.0


def patient_texts(doc) -> Iterator[tuple[str, str]]:
    """Every patient-facing text of the knowledge base, with where it lives."""
    for c in doc.conditions:
        yield f"conditions '{c.slug}' plain_description", c.plain_description
    for t in doc.treatments:
        for field in (
            "plain_summary",
            "plain_mechanism",
            "patient_commitment",
            "plain_delivered_by",
        ):
            yield f"treatments '{t.slug}' {field}", getattr(t, field)
        if t.plain_regulatory_note is not None:
            yield f"treatments '{t.slug}' plain_regulatory_note", t.plain_regulatory_note
        for field in ("plain_course", "plain_duration_of_effect"):
            yield f"treatments '{t.slug}' timeframe.{field}", getattr(t.timeframe, field)
        for i, f in enumerate(t.findings):
            yield f"treatments '{t.slug}' findings[{i}].plain_effect", f.plain_effect
            yield f"treatments '{t.slug}' findings[{i}].plain_timepoint", f.plain_timepoint
        for i, h in enumerate(t.harms):
            yield f"treatments '{t.slug}' harms[{i}].plain_description", h.plain_description
            yield f"treatments '{t.slug}' harms[{i}].plain_frequency", h.plain_frequency
        for i, g in enumerate(t.guidelines):
            yield f"treatments '{t.slug}' guidelines[{i}].plain_position", g.plain_position
    for step in doc.pathway:
        yield f"pathway step {step.step} plain_description", step.plain_description
        for i, criterion in enumerate(step.plain_escalation_criteria):
            yield f"pathway step {step.step} plain_escalation_criteria[{i}]", criterion
    for g in doc.glossary:
        yield f"glossary '{g.term}' plain_definition", g.plain_definition
    for q in doc.faq:
        yield f"faq '{q.question}' plain_answer", q.plain_answer


def test_every_patient_facing_text_reads_at_grade_8_or_below(shipped_document) -> None:
    texts = list(patient_texts(shipped_document))
    assert len(texts) > 200
    failing = [
        f"{where}: grade {grade:.1f}: {text[:80]}"
        for where, text in texts
        if (grade := textstat.flesch_kincaid_grade(text)) > MAX_GRADE
    ]
    assert not failing, "\n".join(failing)


def test_the_reading_level_check_can_fail() -> None:
    dense = (
        "Epidural corticosteroid administration demonstrates statistically insignificant "
        "intermediate-term efficacy regarding radicular symptomatology."
    )
    assert textstat.flesch_kincaid_grade(dense) > MAX_GRADE
