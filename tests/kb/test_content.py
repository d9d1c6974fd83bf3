"""The shipped knowledge base is honest: checked entry by entry against its own rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from explorer.domain.vocab import CAUTION_KINDS, Certainty, Direction, Invasiveness, SourceKind

SEED_CONDITIONS = {
    "disc-herniation",
    "annular-tear",
    "degenerative-disc-disease",
    "spinal-stenosis",
    "sciatica",
    "facet-pain",
    "acute-low-back-pain",
    "chronic-low-back-pain",
    "persistent-pain-after-surgery",
}


def _sources(doc):
    return {s.id: s for s in doc.sources}


def _treatment(doc, slug):
    return next(t for t in doc.treatments if t.slug == slug)


def test_every_condition_of_the_seed_is_covered(shipped_document) -> None:
    assert {c.slug for c in shipped_document.conditions} == SEED_CONDITIONS
    used = {slug for t in shipped_document.treatments for slug in t.conditions}
    assert used == SEED_CONDITIONS


def test_surgery_is_the_labelled_surgical_reference_and_nothing_else_is(shipped_document) -> None:
    """Operations are out of scope except the labelled reference; the one other surgical
    entry is an implanted device, named as such."""
    surgical = [
        t.slug for t in shipped_document.treatments if t.invasiveness == Invasiveness.SURGICAL
    ]
    assert surgical == ["surgery-discectomy-decompression", "spinal-cord-stimulation"]
    assert "surgical" in _treatment(shipped_document, surgical[0]).name.lower()
    assert "implanted" in _treatment(shipped_document, surgical[1]).name.lower()


def test_every_claim_has_a_source_that_exists(shipped_document) -> None:
    sources = _sources(shipped_document)
    for t in shipped_document.treatments:
        for item in (*t.findings, *t.harms, *t.guidelines):
            assert item.sources, t.slug
            assert set(item.sources) <= set(sources), t.slug
    for st in shipped_document.statistics:
        assert st.source in sources, st.id


def test_flagged_kinds_are_never_presented_as_peer_reviewed_evidence(shipped_document) -> None:
    for source in shipped_document.sources:
        if source.kind in {SourceKind.MARKETING, SourceKind.INDUSTRY}:
            assert not source.peer_reviewed, source.id
        if source.kind.needs_caution or source.industry_link:
            from explorer.domain.models import SourceRef

            ref = SourceRef(
                id=source.id,
                kind=source.kind,
                peer_reviewed=source.peer_reviewed,
                citation=source.citation,
                industry_link=source.industry_link,
            )
            assert ref.needs_caution, source.id


def test_no_moderate_or_high_certainty_rests_only_on_flagged_sources(shipped_document) -> None:
    sources = _sources(shipped_document)
    for t in shipped_document.treatments:
        for f in t.findings:
            if f.certainty in {Certainty.HIGH, Certainty.MODERATE}:
                kinds = {sources[s].kind for s in f.sources}
                assert kinds - CAUTION_KINDS, (t.slug, f.outcome, f.condition)


def test_every_treatment_lists_its_harms_and_review_date(shipped_document) -> None:
    today = dt.date(2026, 12, 5)
    for t in shipped_document.treatments:
        assert t.harms, t.slug
        assert all(h.frequency.strip() for h in t.harms), t.slug
        assert dt.date(2026, 1, 1) <= t.last_reviewed <= today, t.slug


def test_a_stated_onset_is_ordered(shipped_document) -> None:
    for t in shipped_document.treatments:
        tf = t.timeframe
        if tf.onset_weeks_min is not None and tf.onset_weeks_max is not None:
            assert tf.onset_weeks_min <= tf.onset_weeks_max, t.slug


def _stat_with_claim(doc, pattern: str):
    matches = [
        s
        for s in doc.statistics
        if s.seed_claim and re.search(pattern, s.seed_claim, flags=re.IGNORECASE)
    ]
    assert matches, f"no statistic checks the seed claim /{pattern}/"
    return matches


@pytest.mark.parametrize(
    ("pattern", "verdicts"),
    [
        (r"leading cause", {"confirmed"}),
        (r"80\s*%.*(lifetime|at some point)|(lifetime|at some point).*80\s*%", {"overstated"}),
        (r"30\s*%", {"confirmed", "overstated"}),
        (r"six to twelve weeks", {"overstated"}),
        (r"40\s*%", {"overstated"}),
        (r"1 in 5", {"not verified"}),
        (r"80\s*[–-]\s*90\s*%", {"unsourced"}),
        (r"83\s*%", {"unsourced"}),
        (r"13,000", {"unsourced", "not verified"}),
        (r"80\s*%.*(failed|prior).*surgery|(failed|prior).*surgery.*80\s*%", {"unsourced"}),
    ],
)
def test_every_seed_statistic_is_present_with_its_verdict(
    shipped_document, pattern, verdicts
) -> None:
    matches = _stat_with_claim(shipped_document, pattern)
    assert {m.verdict for m in matches} & verdicts, [(m.id, m.verdict) for m in matches]


def test_seed_marketing_figures_are_flagged(shipped_document) -> None:
    sources = _sources(shipped_document)
    for pattern in (r"83\s*%", r"13,000", r"1 in 5"):
        for stat in _stat_with_claim(shipped_document, pattern):
            source = sources[stat.source]
            assert source.kind in CAUTION_KINDS or source.industry_link, stat.id
            assert not source.peer_reviewed, stat.id


def test_fibrin_registry_claim_sits_beside_the_negative_controlled_trial(shipped_document) -> None:
    sources = _sources(shipped_document)
    fibrin = _treatment(shipped_document, "intra-annular-fibrin")
    controlled = [
        f for f in fibrin.findings if any(sources[s].kind == SourceKind.RCT for s in f.sources)
    ]
    assert controlled, "fibrin has no finding from its randomised trial"
    assert all(f.direction in {Direction.NO_BENEFIT, Direction.UNCERTAIN} for f in controlled)
    assert not [
        f
        for f in fibrin.findings
        if f.direction == Direction.BENEFIT
        and f.certainty not in {Certainty.NOT_RATED, Certainty.VERY_LOW}
    ]
    assert "off-label" in (fibrin.regulatory_note or "").lower()
    stat = _stat_with_claim(shipped_document, r"83\s*%")[0]
    assert re.search(r"(randomi[sz]ed|saline|phase 3|NCT01011816)", stat.note or "", re.I)


def test_treatments_with_negative_controlled_evidence_claim_no_solid_benefit(
    shipped_document,
) -> None:
    for slug in ("traction-decompression", "tens", "platelet-rich-plasma", "intra-annular-fibrin"):
        for f in _treatment(shipped_document, slug).findings:
            if f.direction == Direction.BENEFIT:
                assert f.certainty.rank <= Certainty.LOW.rank, (slug, f.outcome, f.condition)


def test_search_synonyms_reach_the_right_treatments(shipped_document) -> None:
    def synonyms(slug):
        return {s.lower() for s in _treatment(shipped_document, slug).synonyms}

    assert "chiropractic" in synonyms("spinal-manipulation")
    assert any("decompression" in s for s in synonyms("traction-decompression"))


def test_meta_states_version_policy_funding_and_conflicts(shipped_document) -> None:
    meta = shipped_document.meta
    for text in (meta.update_policy, meta.funding, meta.conflicts_of_interest, meta.disclaimer):
        assert len(text) > 40


def test_care_pathway_has_five_steps_with_escalation_criteria(shipped_document) -> None:
    steps = shipped_document.pathway
    assert [s.step for s in steps] == [1, 2, 3, 4, 5]
    assert all(s.escalation_criteria for s in steps)
    assert any(re.search(r"6\s*(weeks|wk)", c) for s in steps for c in s.escalation_criteria)


def test_glossary_explains_the_seed_terms(shipped_document) -> None:
    terms = {g.term.lower() for g in shipped_document.glossary}
    for needed in (
        "conservative care",
        "non-operative management",
        "regenerative spine care",
        "minimally invasive",
        "grade",
    ):
        assert any(needed in term for term in terms), needed


def test_faq_answers_every_question_of_the_seed(shipped_document) -> None:
    questions = " ".join(q.question.lower() for q in shipped_document.faq)
    for fragment in (
        "what conditions",
        "how long",
        "biologic disc repair",
        "failed back surgery",
        "physiatrist",
        "spinal stenosis",
        "beyond injections",
    ):
        assert fragment in questions, fragment


def test_figures_read_second_hand_name_the_summary_they_were_read_in(shipped_document) -> None:
    sources = _sources(shipped_document)
    gbd = [
        s
        for s in shipped_document.statistics
        if s.id in {"lbp-cases-2020", "lbp-cases-2050-projected"}
    ]
    assert len(gbd) == 2
    for stat in shipped_document.statistics:
        if stat.read_in is not None:
            assert sources[stat.read_in].kind == SourceKind.SECONDARY, stat.id
        second_hand = r"read (via a secondary summary|in news summaries)"
        mentions = re.search(second_hand, stat.note or "", re.I)
        if mentions:
            assert stat.read_in is not None, f"{stat.id}: note says second-hand, read_in unset"
    assert all(s.read_in is not None for s in gbd)
