"""Free text typed by a user (window or command line): the one cleaning on the way in.

Every free-text field passes :func:`clean_text` with its :class:`TextKind` before it is
stored, printed or exported: control characters (NUL, which PostgreSQL refuses, escape
sequences, C1 controls) and Unicode direction overrides, isolates and marks (U+202E turns
the rest of a PDF header line around) are removed, a one-line field loses its line breaks,
surrounding spaces go, and the length is capped per kind. Cleaning never refuses: a
clinician's words are kept, short of the characters that would make them read otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from enum import Enum

CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
"""Characters no text of ours may hold: control characters other than tab, line feed, form
feed and carriage return, and the Unicode direction marks, embeddings, overrides and
isolates (which make text read differently from what it is). Files from outside holding
them are refused (:mod:`explorer.fileio`, the settings file); typed text is cleaned."""


class TextKind(Enum):
    """What a free-text field holds; its value is the longest length in characters."""

    LABEL = 120
    """One line: a patient label, a clinician's or a clinic's name."""
    NOTE = 20_000
    """A one-line field that may run long: what else matters to the patient, the plan."""
    NOTES = 2_000_000
    """Consult notes (the window stores them as HTML, about twice the text). Never cut:
    notes over this are refused where they are saved, so that nothing typed is lost."""

    @property
    def limit(self) -> int:
        return self.value


def clean_text(text: str, kind: TextKind) -> str:
    """``text`` as it may be stored, printed or exported (see the module docstring).

    A :attr:`TextKind.LABEL` becomes one line (line breaks and runs of spaces become one
    space) and is cut to its limit; a :attr:`TextKind.NOTE` keeps its line breaks and is cut
    to its limit; :attr:`TextKind.NOTES` are never cut (see :func:`too_long`).
    """
    text = CONTROL_CHARACTERS.sub("", text)
    if kind is TextKind.LABEL:
        return " ".join(text.split())[: kind.limit].rstrip()
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text if kind is TextKind.NOTES else text[: kind.limit].rstrip()


def too_long(text: str, kind: TextKind) -> bool:
    return len(text) > kind.limit


def repeated(items: Sequence[str]) -> list[str]:
    """The items that occur more than once (each named once, in order)."""
    counts = Counter(items)
    return [item for item in counts if counts[item] > 1]
