"""Which glossary terms a text uses, so plain views can explain them where they appear."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from explorer.domain.models import GlossaryEntry


def _pattern(entry: GlossaryEntry) -> re.Pattern[str]:
    words = sorted({entry.term, *entry.synonyms}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words if w.strip())
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def terms_in(texts: Iterable[str], glossary: Sequence[GlossaryEntry]) -> list[GlossaryEntry]:
    """The entries whose term or a synonym occurs in ``texts`` as whole words, in the order
    they first appear."""
    joined = "\n".join(texts)
    found: list[tuple[int, int, GlossaryEntry]] = []
    for order, entry in enumerate(glossary):
        match = _pattern(entry).search(joined)
        if match is not None:
            found.append((match.start(), order, entry))
    return [entry for _start, _order, entry in sorted(found, key=lambda f: (f[0], f[1]))]
