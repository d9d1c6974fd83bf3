"""Errors raised while reading or checking knowledge-base content."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file: where it is and what is wrong.

    ``entry`` names the item (``treatments[3] "tens"``), ``field`` the dotted path
    inside it (``findings[2].certainty``); either may be empty for whole-file problems.
    """

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = " ".join(part for part in (self.entry, self.field) if part)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class ContentError(Exception):
    """Content that cannot be loaded. ``problems`` lists every problem found, first first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid knowledge-base content"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(first + more)
