"""A consultation as the application works with it (plain Python, no database types)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

PRIORITIES: tuple[tuple[str, str], ...] = (
    ("avoid-procedures", "Avoid needles or procedures"),
    ("time-for-sessions", "Time available for sessions"),
    ("cost-and-coverage", "Cost and insurance coverage"),
    ("quick-relief", "Quick relief"),
    ("avoid-medication", "Avoid medication"),
    ("fear-of-surgery", "Worried about surgery"),
)
"""What may matter to the patient: (key stored, words shown)."""
PRIORITY_WORDS = dict(PRIORITIES)
REVIEW_AFTER_WEEKS = 6
"""Default review: the care pathway's reassessment window starts at about 6 weeks."""


class Decision(StrEnum):
    UNDECIDED = "undecided"
    CHOSEN = "chosen option"
    REFERRED = "referred"


@dataclass(frozen=True)
class Consult:
    """One consult. ``version`` is the saved version this copy was read at."""

    id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    consult_date: dt.date
    patient_label: str
    clinician: str
    condition: str | None
    treatments: tuple[str, ...]
    priorities: tuple[str, ...]
    priorities_note: str
    notes_html: str
    plan: str
    review_date: dt.date | None
    decision: Decision
    chosen_treatment: str | None
    follow_up_of: int | None
    deleted: bool
    version: int

    @property
    def priority_words(self) -> tuple[str, ...]:
        return tuple(PRIORITY_WORDS.get(key, key) for key in self.priorities)
