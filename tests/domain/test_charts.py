"""Chart data: comparable groups, refusals, icon counts, burden groups, timelines."""

from __future__ import annotations

import dataclasses

import pytest

from explorer.domain.chart_words import (
    plain_statistic_label,
    short_name,
    statistic_caption,
    statistic_notes,
)
from explorer.domain.charts import (
    absolute_statistics,
    burden_groups,
    icon_counts,
    is_flagged,
    outcome_groups,
    time_bucket,
    timeline_rows,
)
from explorer.domain.vocab import SourceKind


@pytest.fixture
def kb(shipped):
    treatments = {s.slug: shipped.treatment(s.slug) for s in shipped.treatment_summaries()}
    return treatments, shipped.statistics()


def test_groups_never_mix_scales_measures_outcomes_or_time_windows(kb) -> None:
    treatments, _ = kb
    choice = outcome_groups(list(treatments.values()), None)
    assert choice.groups
    for group in choice.groups:
        keys = {
            (
                r.finding.outcome,
                r.finding.estimate.scale,
                r.finding.estimate.measure,
                time_bucket(r.finding.timepoint_weeks),
            )
            for r in group.rows
        }
        assert len(keys) == 1, group.key
        assert {r.finding.estimate.better for r in group.rows} == {group.better}


def test_findings_without_weeks_are_never_plotted_together(kb) -> None:
    treatments, _ = kb
    compared = [
        treatments[s]
        for s in (
            "surgery-discectomy-decompression",
            "epidural-steroid-injection",
            "exercise-therapy",
        )
    ]
    for group in outcome_groups(compared, "sciatica").groups:
        undated = [r for r in group.rows if r.finding.timepoint_weeks is None]
        assert not undated or len(group.rows) == 1, group.key


def test_plotted_values_are_the_knowledge_base_values(kb) -> None:
    treatments, _ = kb
    exercise = treatments["exercise-therapy"]
    choice = outcome_groups([exercise], "chronic-low-back-pain")
    plotted = {
        (r.finding.outcome, r.value, r.ci_low, r.ci_high) for g in choice.groups for r in g.rows
    }
    expected = {
        (f.outcome, f.estimate.value, f.estimate.ci_low, f.estimate.ci_high)
        for f in exercise.findings_for("chronic-low-back-pain")
        if f.estimate
    }
    assert plotted == expected


def test_non_comparable_findings_are_refused_with_a_reason(kb) -> None:
    treatments, _ = kb
    choice = outcome_groups(
        [treatments["exercise-therapy"], treatments["nsaids"]], "chronic-low-back-pain"
    )
    pain = choice.for_outcome("pain")
    assert len(pain) >= 2  # e.g. 0-100 and SMD: never one axis
    message = choice.refusal(pain[0], "pain")
    assert "must not share an axis" in message
    assert pain[1].key.scale in message


def _numbered(treatment, condition: str):
    """The treatment's findings for ``condition`` that have numbers (at least two)."""
    numbered = [f for f in treatment.findings_for(condition) if f.estimate is not None]
    assert len(numbered) >= 2, "the shipped content changed: choose another treatment"
    return numbered


def test_words_only_findings_are_counted_in_the_refusal(kb) -> None:
    treatments, _ = kb
    exercise = treatments["exercise-therapy"]
    numbered = _numbered(exercise, "chronic-low-back-pain")
    # Two findings without numbers, whatever the shipped content has: both are counted.
    words_only = [dataclasses.replace(f, estimate=None) for f in numbered[:2]]
    treatment = dataclasses.replace(exercise, findings=(*words_only, *numbered[2:]))
    choice = outcome_groups([treatment], "chronic-low-back-pain")
    assert [f for _t, f in choice.without_numbers] == words_only
    shown = choice.groups[0] if choice.groups else None
    assert "2 finding(s) are reported in words only" in choice.refusal(shown)


def test_mcid_is_drawn_only_when_every_finding_states_the_same_one(kb) -> None:
    treatments, _ = kb
    exercise = treatments["exercise-therapy"]
    first, second = _numbered(exercise, "chronic-low-back-pain")[:2]
    # Two findings that share an axis (same outcome, scale, measure and window) ...
    second = dataclasses.replace(
        second,
        outcome=first.outcome,
        timepoint_weeks=first.timepoint_weeks,
        estimate=dataclasses.replace(first.estimate, value=first.estimate.value + 1),
    )

    def mcid_of(a: float | None, b: float | None) -> float | None:
        findings = (
            dataclasses.replace(first, estimate=dataclasses.replace(first.estimate, mcid=a)),
            dataclasses.replace(second, estimate=dataclasses.replace(second.estimate, mcid=b)),
        )
        treatment = dataclasses.replace(exercise, findings=findings)
        (group,) = outcome_groups([treatment], "chronic-low-back-pain").groups
        assert len(group.rows) == 2
        return group.mcid

    # ... draw the threshold only when both state the same one.
    assert mcid_of(10.0, 10.0) == 10.0
    assert mcid_of(10.0, 15.0) is None
    assert mcid_of(10.0, None) is None


@pytest.mark.parametrize("per", [100, 1000])
def test_icon_counts_add_up_and_frame_both_ways(kb, per) -> None:
    _, statistics = kb
    absolute = absolute_statistics(statistics)
    assert absolute
    for statistic in absolute:
        counts = icon_counts(statistic, per)
        assert counts.events + counts.others == per
        assert counts.events == round(statistic.value * per / 100)
        sentence = counts.sentence()
        assert f"{counts.events} —" in sentence and f"{counts.others} — not" in sentence


def _statistic(statistics, statistic_id):
    return next(s for s in statistics if s.id == statistic_id)


def test_plain_sentence_leads_with_words_then_the_exact_count_both_ways(kb) -> None:
    _, statistics = kb
    counts = icon_counts(_statistic(statistics, "sciatica-improved-12mo-atlas"))
    assert counts.sentence(plain=True) == (
        "About half of people with sciatica had much less trouble with daily life a year "
        "later: 55 out of 100. This was not so for the other 45 out of 100."
    )
    assert counts.key_rows(plain=True) == (
        (55, "About half", counts.statistic.plain_label),
        (45, "The others", "this was not so"),
    )
    recovered = icon_counts(_statistic(statistics, "acute-lbp-complete-recovery-12mo"), 1000)
    assert recovered.sentence(plain=True).startswith("Most people with new low back pain")
    assert "720 out of 1,000" in recovered.sentence(plain=True)


def test_plain_sentences_use_plain_labels_only(kb) -> None:
    _, statistics = kb
    for statistic in absolute_statistics(statistics):
        sentence = icon_counts(statistic).sentence(plain=True)
        assert statistic.label not in sentence, statistic.id
        assert len(statistic.population) < 20 or statistic.population not in sentence
        assert sentence.split()[0] in {"Very", "A", "About", "Most", "Almost", "All", "None"}


def test_an_acronym_at_the_start_of_a_label_keeps_its_capitals(kb) -> None:
    """The bug: 'uS adults' — the first letter was lower-cased whatever it was."""
    _, statistics = kb
    us = icon_counts(_statistic(statistics, "us-adults-lbp-3mo-nhis-2002"))
    assert "— US adults with low back pain" in us.sentence()
    assert us.sentence(plain=True).startswith("About 1 in 4 US adults had low back pain")
    people = icon_counts(_statistic(statistics, "sciatica-improved-12mo-atlas"))
    assert "— people with sciatica" in people.sentence()


def test_a_statistic_without_plain_wording_never_shows_clinician_text(kb) -> None:
    _, statistics = kb
    bare = dataclasses.replace(
        _statistic(statistics, "sciatica-improved-12mo-atlas"),
        plain_label="",
        plain_population="",
    )
    counts = icon_counts(bare)
    assert counts.sentence(plain=True) == (
        "About half: 55 out of 100. No plain wording yet. Ask your clinician."
    )
    assert plain_statistic_label(bare) == "No plain wording yet. Ask your clinician."
    caption = statistic_caption(bare, plain=True)
    assert "No plain wording yet" in caption and bare.population not in caption


def test_plain_labels_of_figures_drawn_as_people_lead_with_words(kb) -> None:
    _, statistics = kb
    drawn = {s.id for s in absolute_statistics(statistics)}
    for statistic in statistics:
        label = plain_statistic_label(statistic)
        if statistic.id in drawn:
            assert label.startswith(icon_counts(statistic).sentence(plain=True).split(":")[0])
        else:
            assert label == statistic.plain_label, statistic.id
    claim = _statistic(statistics, "sciatica-resolves-without-surgery-claim")
    assert plain_statistic_label(claim).startswith("A claim that")  # never turned into a fact


def test_plain_caption_and_notes_use_plain_words(kb) -> None:
    _, statistics = kb
    for statistic in absolute_statistics(statistics):
        counts = icon_counts(statistic)
        caption = statistic_caption(statistic, plain=True)
        who = caption.split(" Where it comes from: ")[0]  # citations stay as published
        notes = statistic_notes(statistic, counts, plain=True)
        assert statistic.plain_population.rstrip(".") in caption
        for clinician in (statistic.population, statistic.denominator, statistic.timeframe):
            assert len(clinician) < 20 or clinician not in who, (statistic.id, clinician)
        for word in ("peer-reviewed", "secondary summary", "registry", "Evidence check", "%"):
            assert word not in notes, (statistic.id, word)
    haugen = _statistic(statistics, "sciatica-success-12mo-haugen")
    assert "The studies give 49 to 58 out of 100" in statistic_notes(
        haugen, icon_counts(haugen), plain=True
    )


def test_short_names_for_patients_are_the_plain_names(kb) -> None:
    treatments, _ = kb
    esi = treatments["epidural-steroid-injection"]
    assert short_name(esi) == "Epidural corticosteroid injection"
    assert short_name(esi, plain=True) == esi.plain_name
    assert short_name(dataclasses.replace(esi, plain_name=""), plain=True) == (
        "No plain wording yet. Ask your clinician."
    )


def test_icon_counts_refuse_non_percentages(kb) -> None:
    _, statistics = kb
    other = next(s for s in statistics if s.unit != "%")
    with pytest.raises(ValueError, match="not a percentage"):
        icon_counts(other)


def test_burden_groups_share_one_unit_and_flags_mark_non_peer_reviewed(kb) -> None:
    _, statistics = kb
    groups = burden_groups(statistics)
    assert sum(len(g.statistics) for g in groups) == len(statistics)
    for group in groups:
        assert {s.unit.strip() for s in group.statistics} == {group.unit}
    marketing = [s for s in statistics if s.source.kind.value == "marketing"]
    assert marketing and all(is_flagged(s) for s in marketing)


def test_timeline_uses_the_stated_weeks_or_says_not_established(kb) -> None:
    treatments, _ = kb
    rows = timeline_rows(list(treatments.values()))
    for row in rows:
        tf = row.treatment.timeframe
        if tf.onset_weeks_min is None and tf.onset_weeks_max is None:
            assert row.onset is None
        else:
            assert row.onset[0] <= row.onset[1]
    by_slug = {r.treatment.slug: r for r in rows}
    assert not by_slug["intra-annular-fibrin"].established  # its only controlled trial: no effect


def test_percentages_of_things_other_than_people_never_become_people(kb) -> None:
    _, statistics = kb
    absolute = {s.id for s in absolute_statistics(statistics)}
    not_people = [s for s in statistics if s.unit == "%" and not s.of_people]
    assert not_people  # the fibrin procedures claim and the share of disability years
    assert absolute.isdisjoint({s.id for s in not_people})


def test_figures_without_a_source_behind_them_are_never_drawn_as_people(kb) -> None:
    _, statistics = kb
    drawn = {s.id for s in absolute_statistics(statistics)}
    unbacked = {s.id for s in statistics if s.verdict in {"unsourced", "not verified"}}
    assert unbacked and drawn.isdisjoint(unbacked)
    assert not any(s.source.needs_caution for s in absolute_statistics(statistics))


def test_a_figure_whose_claim_was_overstated_is_still_drawn_as_people(kb) -> None:
    """The verdict is about the seed's claim ("about 30% of US adults"); the 26.4% it was
    checked against is a sound survey figure and stays in the chart of people."""
    _, statistics = kb
    us = _statistic(statistics, "us-adults-lbp-3mo-nhis-2002")
    assert us.verdict == "overstated"
    assert us in absolute_statistics(statistics)
    assert plain_statistic_label(us).startswith("About 1 in 4 US adults")


def test_a_figure_whose_own_source_is_weak_is_not_drawn_as_people(kb) -> None:
    _, statistics = kb
    sound = _statistic(statistics, "sciatica-improved-12mo-atlas")
    assert absolute_statistics([sound]) == [sound]
    for kind in (SourceKind.MARKETING, SourceKind.INDUSTRY):
        weak = dataclasses.replace(sound, source=dataclasses.replace(sound.source, kind=kind))
        assert absolute_statistics([weak]) == [], kind
    linked = dataclasses.replace(
        sound, source=dataclasses.replace(sound.source, industry_link=True)
    )
    assert absolute_statistics([linked]) == []
    assert absolute_statistics([dataclasses.replace(sound, verdict="unsourced")]) == []


def test_the_end_of_a_range_across_studies_is_never_drawn_as_people(kb) -> None:
    """84% is the top of 11-84% across studies, not a count of any one group of people."""
    _, statistics = kb
    drawn = {s.id for s in absolute_statistics(statistics)}
    assert {"lbp-lifetime-prevalence", "back-surgery-failure-rate-claim"}.isdisjoint(drawn)
    sound = _statistic(statistics, "sciatica-improved-12mo-atlas")
    ranged = dataclasses.replace(sound, value_low=40.0, value_high=55.0)
    assert absolute_statistics([ranged]) == []
    single = dataclasses.replace(ranged, value_low=55.0)  # low == high: one figure
    assert absolute_statistics([single]) == [single]


def test_axis_ticks_are_round_and_thinned_to_the_room() -> None:
    from explorer.domain.chart_spec import Axis

    axis = Axis.covering(-5.4, 0.4)
    assert [label for _v, label in axis.ticks] == ["−5", "−4", "−3", "−2", "−1", "0"]
    assert axis.fitted(600, 25) == axis.ticks  # room for all
    # Room for three labels with a gap each: fewer, rounder ticks inside the range.
    thinned = axis.fitted(180, 25)
    assert [label for _v, label in thinned] == ["−4", "−2", "0"]
    percent = Axis.covering(-2, 102)
    assert [v for v, _ in percent.fitted(200, 30)] == [0, 50, 100]
