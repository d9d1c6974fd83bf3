"""Colours and small HTML helpers shared by the views.

Certainty badges use a colour-blind-safe sequential scale (dark blue → light) with the
word always written inside, so colour is never the only signal; caution flags are an
orange outline with a ⚠ sign. Text colours come from the palette, so light and dark
themes both work.
"""

from __future__ import annotations

import html

from PySide6.QtGui import Qt

from explorer.domain.vocab import Certainty

# (background, text) per certainty: readable on light and dark window backgrounds.
CERTAINTY_COLOURS: dict[Certainty, tuple[str, str]] = {
    Certainty.HIGH: ("#08519c", "#ffffff"),
    Certainty.MODERATE: ("#3182bd", "#ffffff"),
    Certainty.LOW: ("#9ecae1", "#08306b"),
    Certainty.VERY_LOW: ("#deebf7", "#08306b"),
    Certainty.NOT_RATED: ("#e0e0e0", "#303030"),
}
CAUTION_COLOUR = "#d55e00"  # Okabe-Ito vermillion
HARM_COLOUR = "#b2182b"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def as_is(text: str) -> str:
    """``text`` for a sink that guesses whether it is rich text (tooltips, message boxes):
    unchanged when Qt takes it for plain text anyway, else escaped into rich text that shows
    it literally. Knowledge-base text, file names and messages holding them are plain text:
    ``<b>`` in them must show as ``<b>``, and ``<img src=…>`` must never load a file."""
    return Qt.convertFromPlainText(text) if Qt.mightBeRichText(text) else text


def certainty_badge(certainty: Certainty, text: str) -> str:
    background, foreground = CERTAINTY_COLOURS[certainty]
    return (
        f'<span style="background-color:{background}; color:{foreground};'
        f' font-weight:600;">&nbsp;{esc(text)}&nbsp;</span>'
    )


def caution_flag(text: str) -> str:
    return f'<span style="color:{CAUTION_COLOUR}; font-weight:600;">{esc(text)}</span>'
