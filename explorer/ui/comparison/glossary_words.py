"""Patient mode explains the glossary words a page uses, on that page."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Sequence

from explorer.domain.glossary import terms_in
from explorer.domain.models import GlossaryEntry
from explorer.ui.window.style import esc

_TAG = re.compile(r"<[^>]+>")


def words_items_html(texts: Iterable[str], glossary: Sequence[GlossaryEntry]) -> str:
    """One paragraph per glossary word used in ``texts``, as written there (with the
    glossary's own term in brackets when a synonym was used); empty when none is."""
    items = []
    for entry, words in terms_in(texts, glossary):
        name = words[:1].upper() + words[1:]
        if words.casefold() != entry.term.casefold():
            name += f" ({entry.term})"
        items.append(f"<p><b>{esc(name)}</b>: {esc(entry.plain_definition)}</p>")
    return "".join(items)


def words_used_html(page_html: str, glossary: Sequence[GlossaryEntry]) -> str:
    """A "Words used on this page" section for an HTML page; empty when it uses none."""
    text = html_lib.unescape(_TAG.sub(" ", page_html))
    items = words_items_html([text], glossary)
    return f"<h3>Words used on this page</h3>{items}" if items else ""
