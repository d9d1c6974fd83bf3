"""The side-by-side comparison: a fixed set of rows, one cell per treatment and row.

A cell is a list of :class:`Piece` s (text, a certainty badge, a caution flag), each
carrying the source ids behind it, so any number or badge can open its provenance.
Cells exist in two wordings: clinician (default) and plain language (patients).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from explorer.domain.models import Finding, SourceRef, Treatment
from explorer.domain.vocab import (
    NO_REGULATORY_NOTE,
    PLAIN_NO_REGULATORY_NOTE,
    PLAIN_NOT_ESTABLISHED,
    PLAIN_NOT_WRITTEN,
    Certainty,
    Direction,
    GuidelineStance,
    Outcome,
    SourceKind,
)

MAX_COLUMNS = 6
BASELINE_SLUG = "watchful-waiting"


class Row(StrEnum):
    WHAT = "what"
    HOW = "how"
    ADDRESSES = "addresses"
    EVIDENCE = "evidence"
    GUIDELINES = "guidelines"
    ONSET = "onset"
    COURSE = "course"
    DURATION = "duration"
    ASKS = "asks"
    HARMS = "harms"
    DELIVERED_BY = "delivered_by"
    REGULATORY = "regulatory"
    SOURCES = "sources"


ROWS: tuple[Row, ...] = tuple(Row)

_LABELS: dict[Row, tuple[str, str]] = {
    Row.WHAT: ("What it is", "What it is"),
    Row.HOW: ("How it works", "How it works"),
    Row.ADDRESSES: ("What it addresses", "What it is used for"),
    Row.EVIDENCE: ("Evidence", "What the studies found"),
    Row.GUIDELINES: ("Guidelines", "What expert groups advise"),
    Row.ONSET: ("Time to effect", "When it may start to help"),
    Row.COURSE: ("Typical course", "What a course looks like"),
    Row.DURATION: ("How long benefit lasts", "How long any help lasts"),
    Row.ASKS: ("What it asks of the patient", "What you need to do"),
    Row.HARMS: ("Harms", "Risks and side effects"),
    Row.DELIVERED_BY: ("Who delivers it", "Who gives it"),
    Row.REGULATORY: ("Regulatory note", "Approval and rules"),
    Row.SOURCES: ("Sources", "Where this comes from"),
}


def row_label(row: Row, *, plain: bool = False) -> str:
    return _LABELS[row][1 if plain else 0]


PieceKind = Literal["text", "heading", "certainty", "flag", "harm", "missing"]


@dataclass(frozen=True)
class Piece:
    """One run of a cell. ``sources`` are the ids whose provenance this piece opens."""

    text: str
    kind: PieceKind = "text"
    sources: tuple[str, ...] = ()
    certainty: Certainty | None = None
    caution: bool = False
    new_paragraph: bool = False


@dataclass(frozen=True)
class Cell:
    pieces: tuple[Piece, ...]
    key: Hashable | None = None
    """What makes two cells of a row the same; None means the row is not compared."""
    note: str | None = None
    """How the cell's content was derived, shown with its provenance."""

    @property
    def text(self) -> str:
        """The cell as plain text (screen readers, copy, tests)."""
        out = ""
        for piece in self.pieces:
            if out and piece.new_paragraph:
                out += "\n"
            elif out:
                out += " "
            out += piece.text
        return out

    @property
    def sources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for piece in self.pieces:
            for source in piece.sources:
                seen.setdefault(source)
        return tuple(seen)


def _missing(plain: bool) -> Piece:
    return Piece("Not established" if not plain else PLAIN_NOT_ESTABLISHED, kind="missing")


def plain_text(text: str | None) -> str:
    """A plain field's text; a knowledge base imported before plain fields existed has none, and
    plain mode then says so rather than show clinician wording."""
    return text or PLAIN_NOT_WRITTEN


def outcome_text(outcome: str, *, plain: bool) -> str:
    """ "Leg pain"; in plain words "Daily tasks" for function, "Side effects" for adverse events."""
    if plain and outcome in Outcome._value2member_map_:
        return Outcome(outcome).plain_label
    return outcome.capitalize()


def stance_text(stance: str, *, plain: bool) -> str:
    """A guideline stance: the vocabulary word, or its plain wording ("Advised against")."""
    if plain and stance in GuidelineStance._value2member_map_:
        return GuidelineStance(stance).plain_label
    return stance


def direction_text(direction: Direction, *, plain: bool) -> str:
    """What a finding says: "no benefit"; in plain words "it did not help"."""
    return _DIRECTION_WORDS[direction][1 if plain else 0]


def kind_text(kind: SourceKind, *, plain: bool) -> str:
    """The kind of a source; in plain words ("a study with no one to compare with")."""
    return kind.plain_label if plain else kind.value


def certainty_text(certainty: Certainty, *, plain: bool) -> str:
    if plain:
        return certainty.plain_label
    if certainty is Certainty.NOT_RATED:
        return "Not rated"
    return f"{certainty.label} certainty"


def _finding_pieces(
    finding: Finding, sources: Mapping[str, SourceRef], *, plain: bool, with_condition: str | None
) -> list[Piece]:
    caution = any(sources[s].needs_caution for s in finding.sources if s in sources)
    heading = outcome_text(finding.outcome, plain=plain)
    if with_condition:
        heading = f"{with_condition} · {heading}"
    if not plain:
        heading = f"{heading} vs {finding.comparison}"
    pieces = [
        Piece(heading + ":", kind="heading", new_paragraph=True),
        Piece(
            certainty_text(finding.certainty, plain=plain),
            kind="certainty",
            certainty=finding.certainty,
            sources=finding.sources,
            caution=caution,
        ),
        Piece(
            (finding.plain_effect if plain else finding.effect).rstrip(". ") + ".",
            sources=finding.sources,
        ),
        Piece(
            f"(when: {plain_text(finding.plain_timepoint)})"
            if plain
            else f"(at: {finding.timepoint})"
        ),
    ]
    if caution:
        kinds = sorted(
            {
                kind_text(sources[s].kind, plain=plain)
                for s in finding.sources
                if s in sources and sources[s].needs_caution
            }
        )
        prefix = "⚠ Take care, this includes " if plain else "⚠ "
        pieces.append(
            Piece(prefix + ", ".join(kinds), kind="flag", sources=finding.sources, caution=True)
        )
    return pieces


def _evidence_key(findings: Sequence[Finding]) -> Hashable:
    if not findings:
        return ("none",)
    best = max(f.certainty.rank for f in findings)
    directions = frozenset(f.direction for f in findings if f.certainty.rank == best)
    return (best, directions)


def build_cell(
    treatment: Treatment,
    row: Row,
    *,
    condition: str | None,
    plain: bool,
    condition_names: Mapping[str, str],
    plain_condition_names: Mapping[str, str] | None = None,
) -> Cell:
    """The content of one comparison cell."""
    sources = {s.id: s for s in treatment.sources}
    plain_condition_names = plain_condition_names or {}
    if row is Row.WHAT:
        # The summary restates the findings in words ("does not help after 3 months"): its
        # provenance is the sources of every finding it summarises.
        summarised = tuple(dict.fromkeys(s for f in treatment.findings for s in f.sources))
        note = (
            "A short summary of what the studies found."
            if plain
            else "A plain summary of the findings listed in the evidence row."
        )
        summary = Piece(treatment.plain_summary, sources=summarised, new_paragraph=not plain)
        if plain:
            return Cell((summary,), key=None, note=note)
        kind = f"{treatment.category} · {treatment.approach.value} · {treatment.invasiveness.value}"
        return Cell(
            (Piece(kind, kind="heading"), summary),
            key=(treatment.approach, treatment.invasiveness),
            note=note,
        )
    if row is Row.HOW:
        return Cell((Piece(treatment.plain_mechanism if plain else treatment.mechanism),))
    if row is Row.ADDRESSES:
        names = [condition_names.get(c, c) for c in treatment.conditions]
        if plain:
            names = [
                plain_condition_names.get(c, n)
                for c, n in zip(treatment.conditions, names, strict=True)
            ]
        return Cell((Piece("; ".join(names)),), key=frozenset(treatment.conditions))
    if row is Row.EVIDENCE:
        findings = treatment.findings_for(condition)
        if not findings:
            return Cell((_missing(plain),), key=_evidence_key(()))
        pieces: list[Piece] = []
        labels = {**condition_names, **plain_condition_names} if plain else condition_names
        for f in findings:
            label = labels.get(f.condition, f.condition) if condition is None else None
            pieces.extend(_finding_pieces(f, sources, plain=plain, with_condition=label))
        # Findings resting only on replaced sources are listed but never set the best evidence.
        return Cell(tuple(pieces), key=_evidence_key(treatment.current_findings_for(condition)))
    if row is Row.GUIDELINES:
        if not treatment.guidelines:
            return Cell((_missing(plain),), key=())
        pieces = []
        for g in treatment.guidelines:
            # Plain: the stance in plain words, then the position's plain sentence, which names
            # the body in words a patient knows ("A group of US doctors (ACP) …").
            heading = f"{stance_text(g.stance, plain=True)}:" if plain else f"{g.body}: {g.stance}"
            pieces.append(Piece(heading, kind="heading", sources=g.sources, new_paragraph=True))
            if plain:
                pieces.append(Piece(plain_text(g.plain_position), sources=g.sources))
        return Cell(
            tuple(pieces),
            key=tuple(sorted(Counter(g.stance for g in treatment.guidelines).items())),
        )
    if row in (Row.ONSET, Row.COURSE, Row.DURATION):
        return _timeframe_cell(treatment, row, condition=condition, plain=plain)
    if row is Row.ASKS:
        return Cell((Piece(treatment.patient_commitment),))
    if row is Row.HARMS:
        pieces = []
        for h in treatment.harms:
            prefix = "Serious: " if h.serious else ""
            text = h.plain_description if plain else h.description
            pieces.append(Piece(prefix + text, kind="harm", sources=h.sources, new_paragraph=True))
            often = f"(how often: {plain_text(h.plain_frequency)})" if plain else None
            pieces.append(Piece(often or f"(frequency: {h.frequency})", sources=h.sources))
        return Cell(tuple(pieces), key=any(h.serious for h in treatment.harms))
    if row is Row.DELIVERED_BY:
        # Compared on the clinician wording, so the ◆ marks do not change with the wording.
        who = plain_text(treatment.plain_delivered_by) if plain else treatment.delivered_by
        return Cell((Piece(who),), key=treatment.delivered_by.casefold())
    if row is Row.REGULATORY:
        if not treatment.regulatory_note:
            return Cell(
                (Piece(PLAIN_NO_REGULATORY_NOTE if plain else NO_REGULATORY_NOTE),), key=False
            )
        note = plain_text(treatment.plain_regulatory_note) if plain else treatment.regulatory_note
        return Cell((Piece(note),), key=True)
    # Row.SOURCES: citations are names of documents and stay as published; the kind of each
    # source and its review status are worded for the reader.
    pieces = []
    for number, source in enumerate(treatment.sources, start=1):
        kind = kind_text(source.kind, plain=plain)
        flag = f" ⚠ {kind}" if source.needs_caution else f" · {kind}"
        unchecked = " · not checked by other experts" if plain else " · not peer-reviewed"
        review = "" if source.peer_reviewed else unchecked
        pieces.append(
            Piece(
                f"[{number}] {source.citation}{flag}{review}",
                sources=(source.id,),
                caution=source.needs_caution,
                new_paragraph=True,
            )
        )
    caution = sum(1 for s in treatment.sources if s.needs_caution)
    return Cell(tuple(pieces), key=caution > 0)


def _timeframe_cell(treatment: Treatment, row: Row, *, condition: str | None, plain: bool) -> Cell:
    """Timing cells: their numbers come from when the trials measured an effect, so their
    provenance is the timed findings and the derivation note."""
    tf = treatment.timeframe
    timed = [f for f in treatment.findings_for(condition) if f.timepoint_weeks is not None]
    sources = tuple(dict.fromkeys(s for f in timed for s in f.sources))
    if plain:  # the derivation note is clinician wording; the provenance view shows it too
        note = PLAIN_TIMING_NOTE if (tf.note or sources) else None
    else:
        note = tf.note or (
            "Derived from the time points of the findings in the evidence row." if sources else None
        )
    if row is Row.ONSET:
        if tf.onset_weeks_min is None and tf.onset_weeks_max is None:
            return Cell((_missing(plain),), key=None, note=note)
        text = tf.plain_onset_text if plain else tf.onset_text
        return Cell(
            (Piece(text, sources=sources),), key=(tf.onset_weeks_min, tf.onset_weeks_max), note=note
        )
    if row is Row.COURSE:
        return Cell((Piece(plain_text(tf.plain_course) if plain else tf.course),), note=note)
    if not tf.duration_established:
        return Cell((_missing(plain),), key=("none",), note=note)
    duration = plain_text(tf.plain_duration_of_effect) if plain else tf.duration_of_effect
    return Cell(
        (Piece(duration, sources=sources),),
        key=(tf.duration_weeks_min, tf.duration_weeks_max),
        note=note,
    )


PLAIN_TIMING_NOTE = "Worked out from when the studies checked how people were doing."


def difference(cells: Sequence[Cell]) -> float:
    """How much a row's cells differ: 0 all alike … 1 all different; 0 when not compared."""
    keys = [c.key for c in cells]
    if len(keys) < 2 or any(k is None for k in keys):
        return 0.0
    distinct = len(set(keys))
    return (distinct - 1) / (len(keys) - 1)


BASELINE_SUMMARY = ("Baseline: natural course", "What happens without treatment")
"""Catalog wording for watchful waiting: its findings describe the natural course, not the
effect of a treatment, so "benefit" would mislead."""


def evidence_summary(
    certainty: Certainty | None, directions: frozenset[Direction], *, plain: bool
) -> str:
    """Short catalog wording: best certainty and what those findings say."""
    if certainty is None:
        return "No one knows yet" if plain else "Not established"
    if len(directions) == 1:
        (direction,) = directions
        said = direction_text(direction, plain=plain)
    else:
        said = "mixed results" if plain else "mixed"
    # Short enough for a narrow catalog column: "Moderate: no benefit".
    sure = _SHORT_PLAIN[certainty] if plain else certainty.label
    return f"{sure}: {said}"


_SHORT_PLAIN: dict[Certainty, str] = {
    Certainty.HIGH: "Sure",
    Certainty.MODERATE: "Fairly sure",
    Certainty.LOW: "Not very sure",
    Certainty.VERY_LOW: "Very unsure",
    Certainty.NOT_RATED: "Not rated",
}


_DIRECTION_WORDS: dict[Direction, tuple[str, str]] = {
    Direction.BENEFIT: ("benefit", "it may help"),
    Direction.NO_BENEFIT: ("no benefit", "it did not help"),
    Direction.HARM: ("harm", "it may harm"),
    Direction.UNCERTAIN: ("unclear", "unclear"),
}
