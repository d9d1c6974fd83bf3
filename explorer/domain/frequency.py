"""Words for how many people out of 100: "Most", "About half", "About 1 in 4", "A few".

Plain mode leads a count with words and follows them at once with the exact natural frequency
("About half of people with sciatica …: 55 out of 100"). The words never stand alone: lay
readers give verbal frequency terms very different meanings, and most prefer numbers, alone
or with words (Andreadis K et al. J Gen Intern Med 2021;36:3820-9); the IPDAS primer for
patient decision aids asks for natural frequencies over one constant denominator (Trevena LJ
et al. BMC Med Inform Decis Mak 2013;13 Suppl 2:S7). The drug-leaflet terms of the European
Commission ("common" for 1 in 100 to 1 in 10) are not used, because readers take them as far
larger than meant (Berry DC et al. 2003, in the same review).

Scheme: the band edges are those of EFSA's approximate probability scale (EFSA Scientific
Committee, Guidance on uncertainty analysis in scientific assessments, EFSA Journal
2018;16(1):5123: 1, 5, 10, 33, 66, 90, 99 per 100). Within "unlikely" (10-33) the gist is the
nearest "1 in N"; within "about as likely as not" (33-66) the nearest of 1 in 3, 2 in 5, half,
3 in 5 and 2 in 3 (a tie goes to half); above and below, quantifier words.
"""

from __future__ import annotations

from typing import NamedTuple


class Frequency(NamedTuple):
    """The words alone ("About half") and before a plural noun ("About half of")."""

    alone: str
    lead: str


_MIDDLE: tuple[tuple[float, str], ...] = (
    (100 / 3, "About 1 in 3"),
    (40.0, "About 2 in 5"),
    (50.0, "About half"),
    (60.0, "About 3 in 5"),
    (200 / 3, "About 2 in 3"),
)


def frequency(events: int, per: int = 100) -> Frequency:
    """Gist words for ``events`` people out of ``per`` (see the module docstring)."""
    if per <= 0 or not 0 <= events <= per:
        raise ValueError(f"{events} out of {per} is not a count of people")
    share = 100 * events / per
    if events == 0:
        return Frequency("None", "None of the")
    if events == per:
        return Frequency("All", "All")
    if share < 1:
        return Frequency("Almost none", "Almost none of the")
    if share < 5:
        return Frequency("Very few", "Very few")
    if share < 10:
        return Frequency("A few", "A few")
    if share < 33:
        words = f"About 1 in {round(100 / share)}"
        return Frequency(words, words)
    if share <= 66:
        # Nearest simple fraction; on a tie, the one nearer to half (55 is "about half").
        _value, words = min(_MIDDLE, key=lambda m: (abs(share - m[0]), abs(50 - m[0])))
        return Frequency(words, f"{words} of" if words == "About half" else words)
    if share < 90:
        return Frequency("Most", "Most")
    return Frequency("Almost all", "Almost all")


def lower_initial(text: str) -> str:
    """Lower-case a label's first letter so it can follow other words, unless its first word is
    an acronym or a name with capitals inside ("US adults", "SPORT", "McKenzie")."""
    if not text:
        return text
    first = text.split(maxsplit=1)[0]
    letters = [c for c in first if c.isalpha()]
    if any(c.isupper() for c in letters[1:]):
        return text
    return text[0].lower() + text[1:]
