"""Patient-facing text reads at US school grade 8 or below (Flesch-Kincaid, textstat); plain
treatment names, too short for a reading grade, use no clinician jargon outside brackets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import textstat

from explorer.domain.charts import can_draw_as_people, icon_counts
from explorer.domain.models import SourceRef, Statistic, Timeframe
from explorer.domain.vocab import SourceKind

MAX_GRADE = 8.0
MAX_NAME_CHARS = 80
JARGON = (
    "ablation",
    "annular",
    "comparator",
    "corticosteroid",
    "decompression",
    "denervation",
    "discectomy",
    "endplate",
    "epidural",
    "facet",
    "fibrin",
    "intradiscal",
    "laminectomy",
    "manipulation",
    "mobilisation",
    "mobilization",
    "modalit",
    "nsaid",
    "physiatr",
    "plasma",
    "platelet",
    "radicul",
    "radiofrequency",
    "stenosis",
    "superficial",
    "transcutaneous",
)
"""Word stems a patient would not know: allowed in a plain name only inside brackets, where they
give the name the patient will hear from a clinician ("Steroid shot … (epidural injection)")."""


def _plain_sentence(st) -> str | None:  # type: ignore[no-untyped-def]
    """What plain mode says above a figure drawn as people ("About half of people …")."""
    source = SourceRef(
        id=st.source, kind=SourceKind.COHORT, peer_reviewed=True, citation="citation"
    )
    statistic = Statistic(
        **{k: getattr(st, k) for k in ("id", "label", "plain_label", "value", "unit")},
        **{k: getattr(st, k) for k in ("denominator", "population", "plain_population")},
        timeframe=st.timeframe,
        source=source,
        of_people=st.of_people,
        verdict=st.verdict,
    )
    return icon_counts(statistic).sentence(plain=True) if can_draw_as_people(statistic) else None


def patient_texts(doc) -> Iterator[tuple[str, str]]:
    """Every patient-facing text of the knowledge base, with where it lives."""
    for c in doc.conditions:
        yield f"conditions '{c.slug}' plain_description", c.plain_description
    for t in doc.treatments:
        tf = t.timeframe
        onset = Timeframe(
            onset_weeks_min=tf.onset_weeks_min,
            onset_weeks_max=tf.onset_weeks_max,
            course=tf.course,
            plain_course="",
            duration_of_effect=tf.duration_of_effect,
            plain_duration_of_effect="",
        ).plain_onset_text
        yield f"treatments '{t.slug}' timeframe plain onset text", onset
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
    for st in doc.statistics:
        yield f"statistics '{st.id}' plain_label", st.plain_label
        yield f"statistics '{st.id}' plain_population", st.plain_population
        if (sentence := _plain_sentence(st)) is not None:
            yield f"statistics '{st.id}' plain sentence (words first)", sentence
    for step in doc.pathway:
        yield f"pathway step {step.step} plain_title", step.plain_title
        yield f"pathway step {step.step} plain_description", step.plain_description
        for i, criterion in enumerate(step.plain_escalation_criteria):
            yield f"pathway step {step.step} plain_escalation_criteria[{i}]", criterion
    for g in doc.glossary:
        yield f"glossary '{g.term}' plain_definition", g.plain_definition
    for q in doc.faq:
        yield f"faq '{q.question}' plain_question", q.plain_question
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


def jargon_outside_brackets(name: str) -> list[str]:
    """The jargon stems a plain name uses outside its brackets (case-insensitive)."""
    outside = re.sub(r"\([^)]*\)", " ", name).casefold()
    words = re.findall(r"[a-z]+", outside)
    return sorted({stem for stem in JARGON for word in words if word.startswith(stem)})


def test_plain_treatment_names_use_no_jargon_outside_brackets(shipped_document) -> None:
    failing = [
        f"treatments '{t.slug}' plain_name: {found} outside brackets: {t.plain_name}"
        for t in shipped_document.treatments
        if (found := jargon_outside_brackets(t.plain_name))
    ]
    failing += [
        f"treatments '{t.slug}' plain_name: {len(t.plain_name)} characters (at most "
        f"{MAX_NAME_CHARS}): {t.plain_name}"
        for t in shipped_document.treatments
        if len(t.plain_name) > MAX_NAME_CHARS
    ]
    failing += [
        f"treatments '{t.slug}' plain_name: unbalanced brackets: {t.plain_name}"
        for t in shipped_document.treatments
        if t.plain_name.count("(") != t.plain_name.count(")")
    ]
    assert not failing, "\n".join(failing)


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Epidural corticosteroid injection", ["corticosteroid", "epidural"]),
        ("Steroid shot near the spine nerves (epidural injection)", []),
        ("Surgery (discectomy) — surgical comparator", ["comparator"]),
        ("TENS (transcutaneous electrical nerve stimulation)", []),
        ("Radiofrequency denervation", ["denervation", "radiofrequency"]),
        ("Facet joint shots", ["facet"]),
    ],
)
def test_the_jargon_check_finds_clinician_words_outside_brackets(name, found) -> None:
    assert jargon_outside_brackets(name) == found
