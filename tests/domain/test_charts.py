"""Chart data: comparable groups, refusals, icon counts, burden groups, timelines."""

from __future__ import annotations

import pytest

from explorer.domain.charts import (
    absolute_statistics,
    burden_groups,
    icon_counts,
    is_flagged,
    outcome_groups,
    time_bucket,
    timeline_rows,
)


@pytest.fixture
def kb(stores):
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        treatments = {s.slug: repo.treatment(s.slug) for s in repo.treatment_summaries()}
        return treatments, repo.statistics()


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
        [treatments["exercise-therapy"], treatments["medications"]], "chronic-low-back-pain"
    )
    pain = choice.for_outcome("pain")
    assert len(pain) >= 2  # e.g. 0-100 and SMD: never one axis
    message = choice.refusal(pain[0], "pain")
    assert "must not share an axis" in message
    assert pain[1].key.scale in message


def test_words_only_findings_are_counted_in_the_refusal(kb) -> None:
    treatments, _ = kb
    choice = outcome_groups([treatments["tens"]], "chronic-low-back-pain")
    if choice.without_numbers:
        assert "in words only" in choice.refusal(None)


def test_mcid_is_drawn_only_when_every_finding_states_the_same_one(kb) -> None:
    treatments, _ = kb
    for group in outcome_groups(list(treatments.values()), None).groups:
        stated = {r.finding.estimate.mcid for r in group.rows}
        if group.mcid is not None:
            assert stated == {group.mcid}


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


def test_weak_figures_are_never_drawn_as_people(kb) -> None:
    _, statistics = kb
    drawn = {s.id for s in absolute_statistics(statistics)}
    weak = {s.id for s in statistics if s.verdict in {"overstated", "unsourced", "not verified"}}
    assert weak and drawn.isdisjoint(weak)
