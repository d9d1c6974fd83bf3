"""The one cleaning of free text typed by a user (labels, names, notes, the plan)."""

from __future__ import annotations

import pytest

from explorer.domain.text import TextKind, clean_text, repeated

HOSTILE = (
    "\x00\x07\x1b\x7f\x85\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


@pytest.mark.parametrize("kind", list(TextKind))
def test_control_and_direction_characters_are_removed(kind: TextKind) -> None:
    assert clean_text(f"a{HOSTILE}b", kind) == "ab"


def test_a_label_is_one_line_of_at_most_120_characters() -> None:
    assert clean_text("  J.\n Smith\t(ward\r\n3)\u2028 ", TextKind.LABEL) == "J. Smith (ward 3)"
    assert clean_text("x" * 10_000, TextKind.LABEL) == "x" * 120
    assert clean_text("x" * 119 + " y", TextKind.LABEL) == "x" * 119  # no trailing space


def test_a_note_keeps_its_lines_and_is_capped() -> None:
    assert clean_text("one\r\ntwo\rthree\n\tfour ", TextKind.NOTE) == "one\ntwo\nthree\n\tfour"
    assert len(clean_text("y" * 50_000, TextKind.NOTE)) == TextKind.NOTE.limit


def test_notes_are_never_cut() -> None:
    long = "z" * (TextKind.NOTES.limit + 10)
    assert clean_text(long, TextKind.NOTES) == long


def test_repeated_names_each_repeat_once() -> None:
    assert repeated(["tens", "a", "tens", "b", "a", "tens"]) == ["tens", "a"]
    assert repeated(["a", "b"]) == []
