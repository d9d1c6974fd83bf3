"""Plain mode shows plain wording only: every comparison cell of every treatment, without Qt."""

from __future__ import annotations

import dataclasses
import re

import pytest

from explorer.domain.comparison import PLAIN_TIMING_NOTE, ROWS, Row, build_cell
from explorer.domain.models import Treatment
from explorer.domain.vocab import (
    PLAIN_NO_REGULATORY_NOTE,
    PLAIN_NOT_ESTABLISHED,
    PLAIN_NOT_WRITTEN,
    Certainty,
    GuidelineStance,
    Outcome,
    SourceKind,
)

PLAIN_ROWS = tuple(r for r in ROWS if r is not Row.SOURCES)  # citations stay as published
DECORATION = re.compile(r"^[\s.:;,()·⚠]*$")
PLAIN_GLUE = ("(when: ", "(how often: ", "Serious: ", "⚠ Take care, this includes ")


@pytest.fixture(scope="module")
def everything(shipped, shipped_document):  # type: ignore[no-untyped-def]
    conditions = shipped.conditions()
    treatments = [shipped.treatment(s.slug) for s in shipped.treatment_summaries()]
    assert [t.slug for t in treatments] == [t.slug for t in shipped_document.treatments]
    return treatments, conditions


def _plain_strings(t: Treatment) -> list[str]:
    tf = t.timeframe
    texts = [
        t.plain_summary,
        t.plain_mechanism,
        t.patient_commitment,  # written for patients ("What you need to do")
        t.plain_delivered_by,
        t.plain_regulatory_note or "",
        tf.plain_course,
        tf.plain_duration_of_effect,
        tf.plain_onset_text,
    ]
    texts += [h.plain_description for h in t.harms] + [h.plain_frequency for h in t.harms]
    texts += [g.plain_position for g in t.guidelines]
    texts += [f.plain_effect.rstrip(". ") for f in t.findings]
    texts += [f.plain_timepoint for f in t.findings]
    return [x for x in texts if x]


def _vocabulary(conditions) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        *(c.plain_label for c in Certainty),
        *(o.plain_label for o in Outcome),
        *(s.plain_label for s in GuidelineStance),
        *(k.plain_label for k in SourceKind),
        *(c.plain_name for c in conditions),
        PLAIN_NOT_ESTABLISHED,
        PLAIN_NOT_WRITTEN,
        PLAIN_NO_REGULATORY_NOTE,
        *PLAIN_GLUE,
    ]


def _clinician_only(t: Treatment, conditions, plain: list[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """Clinician strings that no plain text or plain word contains."""
    tf = t.timeframe
    texts = {
        t.mechanism,
        t.category,
        t.delivered_by,
        tf.course,
        tf.duration_of_effect,
        tf.onset_text,
    }
    texts |= {tf.note or "", t.regulatory_note or ""}
    texts |= {h.description for h in t.harms} | {h.frequency for h in t.harms}
    texts |= {g.position for g in t.guidelines} | {g.body for g in t.guidelines}
    texts |= {g.stance for g in t.guidelines}
    texts |= {f.effect for f in t.findings} | {f.timepoint for f in t.findings}
    texts |= {f.comparison for f in t.findings} | {f.certainty_note or "" for f in t.findings}
    texts |= {k.value for k in SourceKind} | {c.name for c in conditions}
    texts |= {"peer-reviewed", "frequency:", "(at:", "Not established"}
    return {x for x in texts if len(x) >= 3 and not any(x in p for p in plain)}


def test_no_plain_cell_shows_clinician_wording(everything) -> None:
    treatments, conditions = everything
    names = {c.slug: c.name for c in conditions}
    plain_names = {c.slug: c.plain_name for c in conditions}
    vocabulary = _vocabulary(conditions)
    for t in treatments:
        plain = _plain_strings(t) + vocabulary
        forbidden = _clinician_only(t, conditions, plain)
        for condition in (None, *t.conditions):
            for row in PLAIN_ROWS:
                cell = build_cell(
                    t,
                    row,
                    condition=condition,
                    plain=True,
                    condition_names=names,
                    plain_condition_names=plain_names,
                )
                assert cell.note in (
                    None,
                    PLAIN_TIMING_NOTE,
                    "A short summary of what the studies found.",
                )
                for piece in cell.pieces:
                    where = f"{t.slug} {row.value} ({condition}): {piece.text!r}"
                    shown = [x for x in forbidden if x in piece.text]
                    assert not shown, f"{where} shows clinician wording {shown}"
                    rest = piece.text
                    for fragment in sorted(plain, key=len, reverse=True):
                        rest = rest.replace(fragment, "")
                    assert DECORATION.match(rest), f"{where}: not from a plain field: {rest!r}"


def test_plain_sources_row_words_kinds_plainly(everything) -> None:
    treatments, conditions = everything
    names = {c.slug: c.name for c in conditions}
    for t in treatments:
        text = build_cell(t, Row.SOURCES, condition=None, plain=True, condition_names=names).text
        assert "peer-reviewed" not in text
        assert not any(f"⚠ {k.value}" in text for k in SourceKind)


def test_a_knowledge_base_without_plain_wording_never_shows_clinician_text(everything) -> None:
    """A knowledge base imported before revision 0005 has empty plain columns."""
    treatments, conditions = everything
    names = {c.slug: c.name for c in conditions}
    esi = next(t for t in treatments if t.slug == "epidural-steroid-injection")
    bare = dataclasses.replace(
        esi,
        plain_delivered_by="",
        plain_regulatory_note=None,
        timeframe=dataclasses.replace(esi.timeframe, plain_course="", plain_duration_of_effect=""),
        guidelines=tuple(dataclasses.replace(g, plain_position="") for g in esi.guidelines),
        harms=tuple(dataclasses.replace(h, plain_frequency="") for h in esi.harms),
    )
    for row in (Row.DELIVERED_BY, Row.REGULATORY, Row.COURSE, Row.DURATION):
        cell = build_cell(bare, row, condition="sciatica", plain=True, condition_names=names)
        assert cell.text == PLAIN_NOT_WRITTEN, row
    guidelines = build_cell(bare, Row.GUIDELINES, condition=None, plain=True, condition_names=names)
    assert PLAIN_NOT_WRITTEN in guidelines.text and "NICE" not in guidelines.text
    harms = build_cell(bare, Row.HARMS, condition=None, plain=True, condition_names=names)
    assert f"(how often: {PLAIN_NOT_WRITTEN})" in harms.text


def test_plain_guideline_cell_names_the_stance_in_plain_words(everything) -> None:
    treatments, conditions = everything
    names = {c.slug: c.name for c in conditions}
    tens = next(t for t in treatments if t.slug == "tens")
    cell = build_cell(tens, Row.GUIDELINES, condition=None, plain=True, condition_names=names)
    headings = [p.text for p in cell.pieces if p.kind == "heading"]
    assert headings == ["Advised against:", "Advised against:", "Not covered:"]
    assert all(g.plain_position in cell.text for g in tens.guidelines)
    assert "NG59" not in cell.text and "against:" not in cell.text.replace("Advised against:", "")
