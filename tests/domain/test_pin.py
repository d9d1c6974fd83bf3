"""PIN hashing, PIN rules, the wrong-PIN back-off, the idle timer and glossary spotting."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from explorer.domain.glossary import terms_in
from explorer.domain.models import GlossaryEntry
from explorer.domain.pin import (
    FREE_ATTEMPTS,
    MAX_WAIT_SECONDS,
    IdleTimer,
    PinRefused,
    check_new_pin,
    hash_pin,
    verify_pin,
    wait_after,
)


def test_the_hash_is_salted_and_never_contains_the_pin() -> None:
    first, second = hash_pin("7391"), hash_pin("7391")
    assert first != second  # a fresh salt each time
    assert "7391" not in first
    assert first.startswith("scrypt$")
    assert verify_pin("7391", first) and verify_pin("7391", second)


@pytest.mark.parametrize("wrong", ["7392", "", "7391 ", "17391", "７３９１"])
def test_a_wrong_pin_does_not_verify(wrong: str) -> None:
    assert not verify_pin(wrong, hash_pin("7391"))


@pytest.mark.parametrize(
    "stored", ["", "plain", "scrypt$1$2$3", "md5$16384$8$1$AAAA$AAAA", "scrypt$x$8$1$AA$AA"]
)
def test_a_damaged_stored_hash_never_verifies(stored: str) -> None:
    assert not verify_pin("7391", stored)


@pytest.mark.parametrize(
    ("pin", "again", "says"),
    [
        ("123", "123", "at least 4"),
        ("1111", "1111", "more than one"),
        (" 1234", " 1234", "space"),
        ("1234", "1243", "differ"),
        ("x" * 65, "x" * 65, "at most"),
    ],
)
def test_weak_or_mistyped_pins_are_refused_with_a_reason(pin: str, again: str, says: str) -> None:
    with pytest.raises(PinRefused, match=says):
        check_new_pin(pin, again)


def test_good_pin_is_accepted() -> None:
    check_new_pin("4826", "4826")


def test_back_off_starts_after_the_free_attempts_and_doubles_up_to_a_cap() -> None:
    waits = [wait_after(n) for n in range(1, 12)]
    assert waits[: FREE_ATTEMPTS - 1] == [0] * (FREE_ATTEMPTS - 1)
    growing = [w for w in waits if w]
    assert growing[0] == 10 and growing[1] == 20 and growing[2] == 40
    assert all(b >= a for a, b in itertools.pairwise(growing))
    assert wait_after(500) == MAX_WAIT_SECONDS


def test_idle_timer_follows_the_injected_clock() -> None:
    now = [100.0]
    idle = IdleTimer(180, lambda: now[0])
    now[0] += 179
    assert not idle.expired()
    now[0] += 1
    assert idle.expired()
    idle.touch()
    assert idle.idle_seconds() == 0 and not idle.expired()


def test_glossary_terms_are_found_as_whole_words_in_order_of_appearance() -> None:
    glossary = [
        GlossaryEntry(
            term="Sciatica", definition="d", plain_definition="pd", synonyms=("radiculopathy",)
        ),
        GlossaryEntry(term="MCID", definition="d", plain_definition="pd"),
        GlossaryEntry(term="Disc", definition="d", plain_definition="pd"),
    ]
    found = terms_in(["The smallest change that matters (MCID) in radiculopathy."], glossary)
    assert [(e.term, words) for e, words in found] == [
        ("MCID", "MCID"),
        ("Sciatica", "radiculopathy"),  # the words the reader saw
    ]
    assert terms_in(["discectomy"], glossary) == []  # not inside another word


def test_user_guide_states_how_long_it_takes_to_reach_the_longest_wait() -> None:
    """The user guide's figure is the one :func:`wait_after` gives: the wrong PIN that brings
    the 15-minute wait, and the waits a guesser sits through before typing it."""
    wrong = next(n for n in itertools.count(1) if wait_after(n) == MAX_WAIT_SECONDS)
    waited = sum(wait_after(n) for n in range(1, wrong))
    guide = Path(__file__).parents[2] / "docs" / "user-guide.md"
    words = " ".join(guide.read_text(encoding="utf-8").split())
    assert f"{wrong} wrong PINs and about {round(waited / 60)} minutes of waiting" in words
