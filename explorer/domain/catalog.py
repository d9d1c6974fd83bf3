"""Filtering the treatment catalog: condition, minimum certainty, approach, invasiveness, text.

Pure Python so it is fast to test and cheap to run on every keystroke: each entry's
search text (name, plain name, category, mechanism, synonyms, and the glossary terms that
point at it) is lower-cased once, and a query is a substring test per word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from explorer.domain.models import GlossaryEntry, TreatmentSummary
from explorer.domain.vocab import Approach, Certainty, Invasiveness


@dataclass(frozen=True)
class CatalogQuery:
    """What the user asked the catalog for. Empty sets mean "any"."""

    condition: str | None = None
    min_certainty: Certainty | None = None
    approaches: frozenset[Approach] = field(default_factory=frozenset)
    invasiveness: frozenset[Invasiveness] = field(default_factory=frozenset)
    text: str = ""

    @property
    def has_filters(self) -> bool:
        """True when anything beyond the condition narrows the list."""
        return bool(self.min_certainty or self.approaches or self.invasiveness or self.text.strip())


def search_words(text: str) -> list[str]:
    return text.casefold().split()


class CatalogIndex:
    """Pre-computed search text and certainty ranks for a list of catalog entries."""

    def __init__(
        self, entries: Sequence[TreatmentSummary], glossary: Iterable[GlossaryEntry] = ()
    ) -> None:
        self.entries = list(entries)
        extra: dict[str, list[str]] = {}
        for entry in glossary:
            for slug in entry.treatments:
                extra.setdefault(slug, []).extend([entry.term, *entry.synonyms])
        self._haystacks = [
            " \n ".join(
                [
                    e.name,
                    e.plain_name,
                    e.category,
                    e.mechanism,
                    *e.synonyms,
                    *extra.get(e.slug, []),
                ]
            ).casefold()
            for e in self.entries
        ]
        self._ranks: list[dict[str, int]] = [
            {condition: c.rank for condition, c in e.best_certainty.items()} for e in self.entries
        ]
        self._best_rank = [max(r.values(), default=-1) for r in self._ranks]
        self._base_cache: dict[tuple[object, ...], list[int]] = {}
        self._last: tuple[tuple[object, ...], list[str], list[int]] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def filter(self, query: CatalogQuery) -> list[int]:
        """Indexes of the entries that match ``query``, in catalog order.

        Runs on every keystroke, so it reuses work: the rows passing the non-text
        filters are cached per filter combination, and a text that extends the
        previous one (typing on) only narrows the previous result.
        """
        words = search_words(query.text)
        key = (query.condition, query.min_certainty, query.approaches, query.invasiveness)
        base = self._base_cache.get(key)
        if base is None:
            base = self._structural(query)
            if len(self._base_cache) > 16:
                self._base_cache.clear()
            self._base_cache[key] = base
        candidates = base
        previous = self._last
        if (
            previous is not None
            and previous[0] == key
            and previous[1]
            and all(any(old in new for new in words) for old in previous[1])
        ):
            candidates = previous[2]  # every old word is still required: narrow the old result
        haystacks = self._haystacks
        for word in words:
            candidates = [i for i in candidates if word in haystacks[i]]
        self._last = (key, words, candidates)
        return list(candidates)

    def _structural(self, query: CatalogQuery) -> list[int]:
        """Rows passing the condition, certainty, approach and invasiveness filters."""
        condition = query.condition
        min_rank = query.min_certainty.rank if query.min_certainty is not None else None
        result = []
        for i, entry in enumerate(self.entries):
            if condition is not None and condition not in entry.conditions:
                continue
            if query.approaches and entry.approach not in query.approaches:
                continue
            if query.invasiveness and entry.invasiveness not in query.invasiveness:
                continue
            if min_rank is not None:
                rank = (
                    self._ranks[i].get(condition, -1)
                    if condition is not None
                    else self._best_rank[i]
                )
                if rank < min_rank:
                    continue
            result.append(i)
        return result


def explain_empty(query: CatalogQuery, condition_name: str | None) -> str:
    """Why nothing matched, in words, naming each active filter."""
    parts = []
    if query.text.strip():
        parts.append(f"matching “{query.text.strip()}”")
    if query.min_certainty is not None:
        parts.append(f"with at least {query.min_certainty.value} certainty evidence")
    if query.approaches:
        parts.append("that are " + " or ".join(sorted(a.value for a in query.approaches)))
    if query.invasiveness:
        parts.append("that are " + " or ".join(sorted(i.value for i in query.invasiveness)))
    scope = f" for {condition_name}" if condition_name else ""
    if not parts:
        return f"No treatments are listed{scope}."
    return f"No treatments{scope} " + ", ".join(parts) + "."
