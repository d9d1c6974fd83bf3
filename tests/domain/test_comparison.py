"""Comparison cells and differences, without Qt (on the shipped knowledge base)."""

from __future__ import annotations

import pytest

from explorer.domain.comparison import ROWS, Row, build_cell, difference, evidence_summary
from explorer.domain.vocab import Certainty, Direction


@pytest.fixture
def treatments(shipped):
    names = {c.slug: c.name for c in shipped.conditions()}
    found = {
        slug: shipped.treatment(slug)
        for slug in (
            "exercise-therapy",
            "epidural-steroid-injection",
            "intra-annular-fibrin",
            "stretching-yoga-pilates",
            "watchful-waiting",
        )
    }
    return found, names


def _cell(treatment, row, names, condition="sciatica", plain=False):
    return build_cell(treatment, row, condition=condition, plain=plain, condition_names=names)


def test_evidence_cell_has_a_badge_effect_and_timepoint_with_sources(treatments) -> None:
    found, names = treatments
    cell = _cell(found["epidural-steroid-injection"], Row.EVIDENCE, names)
    badges = [p for p in cell.pieces if p.kind == "certainty"]
    assert badges and all(p.sources for p in badges)
    finding = found["epidural-steroid-injection"].findings_for("sciatica")[0]
    assert finding.effect.rstrip(". ") in cell.text and finding.timepoint in cell.text


def test_condition_without_findings_says_not_established(treatments) -> None:
    found, names = treatments
    stretching = found["stretching-yoga-pilates"]
    missing = [c for c in stretching.conditions if not stretching.findings_for(c)]
    condition = missing[0] if missing else "sciatica"
    assert _cell(stretching, Row.EVIDENCE, names, condition).text == "Not established"
    assert _cell(stretching, Row.EVIDENCE, names, condition, plain=True).text == "No one knows yet"


def test_all_conditions_names_the_condition_of_each_finding(treatments) -> None:
    found, names = treatments
    text = _cell(found["exercise-therapy"], Row.EVIDENCE, names, condition=None).text
    assert names["chronic-low-back-pain"] in text and names["sciatica"] in text


def test_plain_wording_uses_patient_text(treatments) -> None:
    found, names = treatments
    exercise = found["exercise-therapy"]
    assert _cell(exercise, Row.WHAT, names, plain=True).text == exercise.plain_summary
    assert _cell(exercise, Row.HOW, names, plain=True).text == exercise.plain_mechanism
    assert _cell(exercise, Row.HOW, names).text == exercise.mechanism


def test_harms_are_listed_with_frequency_and_sources(treatments) -> None:
    found, names = treatments
    fibrin = found["intra-annular-fibrin"]
    cell = _cell(fibrin, Row.HARMS, names)
    assert "Serious:" in cell.text
    assert all(h.frequency in cell.text for h in fibrin.harms)
    assert set(cell.sources) == {s for h in fibrin.harms for s in h.sources}


def test_sources_row_flags_caution_kinds(treatments) -> None:
    found, names = treatments
    cell = _cell(found["intra-annular-fibrin"], Row.SOURCES, names)
    flagged = [p for p in cell.pieces if p.caution]
    assert flagged and all("⚠" in p.text for p in flagged)


def test_every_row_builds_for_every_treatment(treatments) -> None:
    found, names = treatments
    for treatment in found.values():
        for row in ROWS:
            for plain in (False, True):
                assert _cell(treatment, row, names, plain=plain).text.strip()


def test_difference_scores_rows(treatments) -> None:
    found, names = treatments
    exercise, esi = found["exercise-therapy"], found["epidural-steroid-injection"]
    what = [_cell(t, Row.WHAT, names) for t in (exercise, esi)]
    assert difference(what) == 1.0  # active non-invasive vs passive minimally invasive
    assert difference([what[0], what[0]]) == 0.0
    how = [_cell(t, Row.HOW, names) for t in (exercise, esi)]
    assert difference(how) == 0.0  # free text rows are not compared


def test_evidence_summary_words() -> None:
    assert evidence_summary(None, frozenset(), plain=False) == "Not established"
    assert (
        evidence_summary(Certainty.MODERATE, frozenset({Direction.NO_BENEFIT}), plain=False)
        == "Moderate: no benefit"
    )
    assert (
        evidence_summary(
            Certainty.LOW, frozenset({Direction.BENEFIT, Direction.UNCERTAIN}), plain=False
        )
        == "Low: mixed"
    )


def test_timing_cells_carry_their_derivation_and_sources(treatments) -> None:
    found, names = treatments
    exercise = found["exercise-therapy"]
    for row in (Row.ONSET, Row.DURATION):
        cell = _cell(exercise, row, names, condition="chronic-low-back-pain")
        if cell.text not in {"Not established"}:
            assert cell.sources, row
        assert cell.note, row


def test_what_it_is_opens_the_sources_it_summarises(treatments) -> None:
    found, names = treatments
    esi = found["epidural-steroid-injection"]
    cell = _cell(esi, Row.WHAT, names)
    assert cell.sources and cell.note
    assert set(cell.sources) <= {s.id for s in esi.sources}
