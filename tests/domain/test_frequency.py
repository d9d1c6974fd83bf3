"""Words for how many people out of 100, and labels that follow them, without Qt."""

from __future__ import annotations

import pytest

from explorer.domain.frequency import frequency, lower_initial


@pytest.mark.parametrize(
    ("events", "alone", "lead"),
    [
        (0, "None", "None of the"),
        (2, "Very few", "Very few"),
        (4, "Very few", "Very few"),
        (5, "A few", "A few"),
        (9, "A few", "A few"),
        (10, "About 1 in 10", "About 1 in 10"),
        (12, "About 1 in 8", "About 1 in 8"),
        (17, "About 1 in 6", "About 1 in 6"),
        (21, "About 1 in 5", "About 1 in 5"),
        (25, "About 1 in 4", "About 1 in 4"),
        (26, "About 1 in 4", "About 1 in 4"),
        (30, "About 1 in 3", "About 1 in 3"),
        (34, "About 1 in 3", "About 1 in 3"),
        (39, "About 2 in 5", "About 2 in 5"),
        (44, "About 2 in 5", "About 2 in 5"),
        (45, "About half", "About half of"),
        (49, "About half", "About half of"),
        (50, "About half", "About half of"),
        (55, "About half", "About half of"),
        (56, "About 3 in 5", "About 3 in 5"),
        (64, "About 2 in 3", "About 2 in 3"),
        (66, "About 2 in 3", "About 2 in 3"),
        (67, "Most", "Most"),
        (72, "Most", "Most"),
        (89, "Most", "Most"),
        (90, "Almost all", "Almost all"),
        (95, "Almost all", "Almost all"),
        (99, "Almost all", "Almost all"),
        (100, "All", "All"),
    ],
)
def test_words_for_people_out_of_100(events, alone, lead) -> None:
    assert frequency(events) == (alone, lead)


def test_out_of_1000_uses_the_same_bands() -> None:
    assert frequency(550, 1000) == frequency(55)
    assert frequency(5, 1000).alone == "Almost none"
    assert frequency(16, 1000).alone == "Very few"


def test_the_words_never_go_down_as_the_count_goes_up() -> None:
    order = ["None", "Almost none", "Very few", "A few"]
    order += [f"About 1 in {n}" for n in range(10, 2, -1)]
    order += ["About 2 in 5", "About half", "About 3 in 5", "About 2 in 3", "Most", "Almost all"]
    order += ["All"]
    ranks = [order.index(frequency(n, 1000).alone) for n in range(1001)]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(("events", "per"), [(-1, 100), (101, 100), (1, 0)])
def test_impossible_counts_are_refused(events, per) -> None:
    with pytest.raises(ValueError, match="not a count of people"):
        frequency(events, per)


@pytest.mark.parametrize(
    ("label", "following"),
    [
        ("People with sciatica", "people with sciatica"),
        ("US adults with low back pain", "US adults with low back pain"),
        ("SPORT trial patients", "SPORT trial patients"),
        ("McKenzie exercise users", "McKenzie exercise users"),
        ("A claim that", "a claim that"),
        ("", ""),
    ],
)
def test_a_label_is_lower_cased_to_follow_words_but_acronyms_keep_their_capitals(
    label, following
) -> None:
    assert lower_initial(label) == following
