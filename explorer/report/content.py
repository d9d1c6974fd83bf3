"""What a comparison report holds, and its HTML: the same for PDF, print and preview.

Plain Python plus ``html`` escaping: the layout engine (QTextDocument) lives in
:mod:`explorer.report.pdf`. Two variants from the same data: the clinician summary
(full table, certainty and effect sizes) and the patient handout (plain wording,
larger type, icon arrays first).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Literal

from explorer.domain.comparison import (
    ROWS,
    Cell,
    Row,
    build_cell,
    kind_text,
    plain_text,
    row_label,
)
from explorer.domain.consult import REVIEW_AFTER_WEEKS
from explorer.domain.models import KnowledgeBaseInfo, SourceRef, Treatment

Variant = Literal["clinician", "patient"]
CAUTION_COLOUR = "#b34700"


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows; charts arrive as image names resolved by the renderer."""

    variant: Variant
    info: KnowledgeBaseInfo
    treatments: tuple[Treatment, ...]
    condition: str | None
    condition_names: dict[str, str]
    plain_condition_names: dict[str, str] = field(default_factory=dict)
    clinic_name: str = ""
    clinician: str = ""
    patient_label: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    priorities: tuple[str, ...] = ()
    notes: str = ""
    plan: str = ""
    review_date: dt.date | None = None
    charts: tuple[tuple[str, str, str], ...] = ()
    """(resource name, caption, small print) of the chart images the renderer registers with
    the document; the small print (notes, sources, knowledge-base version) is set as text."""

    @property
    def plain(self) -> bool:
        return self.variant == "patient"

    @property
    def condition_name(self) -> str:
        if self.condition is None:
            return "all conditions"
        names = self.plain_condition_names if self.plain else self.condition_names
        return names.get(self.condition, self.condition)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


class _Citations:
    """Numbers every cited source once, in order of first citation."""

    def __init__(self) -> None:
        self.sources: dict[str, SourceRef] = {}

    def number(self, source: SourceRef) -> int:
        if source.id not in self.sources:
            self.sources[source.id] = source
        return list(self.sources).index(source.id) + 1


def _cell_html(cell: Cell, treatment: Treatment, citations: _Citations) -> str:
    by_id = {s.id: s for s in treatment.sources}
    parts: list[str] = []
    for piece in cell.pieces:
        text = _e(piece.text)
        if piece.kind == "heading":
            text = f"<b>{text}</b>"
        elif piece.kind == "certainty":
            text = f"<b><u>{text}</u></b>"
        elif piece.kind == "missing":
            text = f"<i>{text}</i>"
        if piece.caution:
            text = f'<span style="color:{CAUTION_COLOUR}">{text}</span>'
        refs = [citations.number(by_id[s]) for s in piece.sources if s in by_id]
        if refs and piece.kind != "flag":
            text += "<sup>[" + ",".join(str(n) for n in sorted(set(refs))) + "]</sup>"
        if parts:
            parts.append("<br>" if piece.new_paragraph else " ")
        parts.append(text)
    return "".join(parts)


PATIENT_ROWS = (
    Row.WHAT,
    Row.HOW,
    Row.EVIDENCE,
    Row.GUIDELINES,
    Row.ONSET,
    Row.COURSE,
    Row.DURATION,
    Row.ASKS,
    Row.HARMS,
    Row.DELIVERED_BY,
    Row.REGULATORY,
)
"""Every row has plain wording (plain-language fields or plain vocabulary words); the sources
are listed once at the end instead of per treatment."""


PLAIN_DISCLAIMER = (
    "This is general information from published studies. It does not take the place of "
    "advice from your own doctor or nurse."
)


def report_html(content: ReportContent) -> tuple[str, list[SourceRef]]:
    """The whole report as HTML, and the numbered sources it cites (in number order)."""
    citations = _Citations()
    plain = content.plain
    rows = PATIENT_ROWS if plain else tuple(r for r in ROWS if r is not Row.SOURCES)
    base = "13pt" if plain else "9.5pt"
    out = [f'<html><body style="font-size:{base}">']
    title = "Your treatment options" if plain else "Treatment comparison — clinician summary"
    out.append(f"<h1>{_e(title)}</h1>")
    header = [
        ("Clinic", content.clinic_name),
        ("Date", f"{content.date:%d %B %Y}"),
        ("Clinician", content.clinician),
        ("Patient", content.patient_label),
        ("Condition", content.condition_name),
    ]
    out.append("<p>" + " · ".join(f"<b>{_e(k)}:</b> {_e(v)}" for k, v in header if v) + "</p>")

    if content.priorities:
        heading = "What matters to you" if plain else "What matters to the patient"
        out.append(f"<h2>{heading}</h2><ul>")
        out.extend(f"<li>{_e(p)}</li>" for p in content.priorities)
        out.append("</ul>")

    def cell(t: Treatment, row: Row) -> str:
        built = build_cell(
            t,
            row,
            condition=content.condition,
            plain=plain,
            condition_names=content.condition_names,
            plain_condition_names=content.plain_condition_names,
        )
        return _cell_html(built, t, citations)

    if not content.treatments:
        out.append("<p>No treatments were compared.</p>")
    elif plain:
        # One card per option: full-width text in large type reads better than a narrow
        # table, and no table row is split across two pages.
        out.append("<h2>Your options, one by one</h2>")
        for number, t in enumerate(content.treatments, start=1):
            out.append(f"<h2>{number}. {_e(plain_text(t.plain_name))}</h2>")
            for row in rows:
                out.append(
                    f'<p style="margin-top:6px"><b>{_e(row_label(row, plain=True))}</b><br>'
                    f"{cell(t, row)}</p>"
                )
    else:
        out.append("<h2>Comparison</h2>")
        width = int(82 / len(content.treatments))
        out.append('<table border="1" cellspacing="0" cellpadding="4" width="100%">')
        out.append(
            '<tr><th width="18%"></th>'
            + "".join(f'<th width="{width}%">{_e(t.name)}</th>' for t in content.treatments)
            + "</tr>"
        )
        for row in rows:
            cells = "".join(f'<td valign="top">{cell(t, row)}</td>' for t in content.treatments)
            out.append(
                f'<tr><th align="left" valign="top">{_e(row_label(row, plain=plain))}'
                f"</th>{cells}</tr>"
            )
        out.append("</table>")

    for name, caption, small_print in content.charts:
        out.append(
            f'<p><img src="{_e(name)}" width="640"><br><b>{_e(caption)}</b> {_e(small_print)}</p>'
        )

    if content.notes.strip():
        out.append(f"<h2>{'Notes from your visit' if plain else 'Notes'}</h2>")
        out.extend(
            f"<p>{_e(line)}</p>" for line in content.notes.strip().splitlines() if line.strip()
        )
    if content.plan.strip() or content.review_date:
        out.append(f"<h2>{'The plan' if plain else 'Plan'}</h2>")
        if content.plan.strip():
            out.append(f"<p>{_e(content.plan)}</p>")
        if content.review_date:
            out.append(f"<p><b>Review:</b> {content.review_date:%d %B %Y}</p>")

    sources = list(citations.sources.values())
    out.append(f"<h2>{'Where this comes from' if plain else 'Sources'}</h2><ol>")
    for source in sources:
        ids = [
            f"PMID {source.pmid}" if source.pmid else "",
            f"DOI {source.doi}" if source.doi else "",
            source.url or "",
        ]
        kind = kind_text(source.kind, plain=plain)
        flag = ""
        if source.needs_caution:
            flag = f' <span style="color:{CAUTION_COLOUR}"><b>⚠ {_e(kind)}</b></span>'
        if plain:
            review = "checked by other experts" if source.peer_reviewed else "not checked by others"
        else:
            review = "peer-reviewed" if source.peer_reviewed else "not peer-reviewed"
        out.append(
            f"<li>{_e(source.citation)} <i>({_e(kind)}; {review})</i>"
            f"{' ' + _e(' · '.join(i for i in ids if i)) if any(ids) else ''}{flag}</li>"
        )
    out.append("</ol>")
    reviewed = ", ".join(
        f"{plain_text(t.plain_name) if plain else t.name}: {t.last_reviewed:%d %b %Y}"
        for t in content.treatments
    )
    info = content.info
    flags = (
        "⚠ marks sources to take care with: studies with no one to compare with, the makers of "
        "products, adverts and second-hand reports."
        if plain
        else "⚠ marks registry, industry, marketing or second-hand sources."
    )
    out.append(
        f"<p><small>Knowledge base {_e(info.kb_version)}, reviewed {info.last_reviewed:%d %B %Y}"
        f"; evidence current to {_e(info.evidence_current_to)}. Entries last reviewed: "
        f"{_e(reviewed)}. {flags}"
        "</small></p>"
    )
    if plain:
        out.append(f"<p><b>Please note.</b> {_e(PLAIN_DISCLAIMER)}</p>")
        out.append(f"<p><small>{_e(info.disclaimer)}</small></p>")
    else:
        out.append(f"<p><b>Disclaimer.</b> {_e(info.disclaimer)}</p>")
    out.append("</body></html>")
    return "".join(out), sources


def default_review_date(today: dt.date) -> dt.date:
    """The care pathway's reassessment window starts at about 6 weeks (as for consults)."""
    return today + dt.timedelta(weeks=REVIEW_AFTER_WEEKS)
