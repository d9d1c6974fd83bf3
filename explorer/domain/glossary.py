"""Which glossary terms a text uses, so plain views can explain them where they appear."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from explorer.domain.models import GlossaryEntry


def _pattern(entry: GlossaryEntry) -> re.Pattern[str]:
    words = sorted({entry.term, *entry.synonyms}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words if w.strip())
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def terms_in(
    texts: Iterable[str], glossary: Sequence[GlossaryEntry]
) -> list[tuple[GlossaryEntry, str]]:
    """The entries whose term or a synonym occurs in ``texts`` as whole words, in the order
    they first appear, each with the words as they were written (the synonym, when it was
    the synonym that appeared)."""
    joined = "\n".join(texts)
    found: list[tuple[int, int, GlossaryEntry, str]] = []
    for order, entry in enumerate(glossary):
        match = _pattern(entry).search(joined)
        if match is not None:
            found.append((match.start(), order, entry, match.group(0)))
    found.sort(key=lambda f: (f[0], f[1]))
    return [(entry, words) for _start, _order, entry, words in found]
