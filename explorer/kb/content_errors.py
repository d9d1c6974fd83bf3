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
    """Content that cannot be loaded. ``problems`` lists the problems found, first first;
    ``total`` counts them all when only the first ones were kept (a file with a million
    wrong entries must not print a million lines)."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = max(total or 0, len(problems))
        first = str(problems[0]) if problems else "invalid knowledge-base content"
        more = f" (and {self.total - 1} more problem(s))" if self.total > 1 else ""
        super().__init__(first + more)
