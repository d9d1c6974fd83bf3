"""Where a number comes from: citation, kind of source, peer review, identifiers, review date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from explorer.domain.models import SourceRef
from explorer.domain.vocab import CAUTION_KINDS
from explorer.ui.window.style import caution_flag, esc

# Why a kind of source needs caution: (short flag text, full sentence).
_CAUTION = {
    "registry or case series": (
        "no comparison group",
        "Registry or case series: no comparison group.",
    ),
    "industry": (
        "made or paid for by a seller",
        "Industry: produced or paid for by a maker or seller.",
    ),
    "marketing": (
        "a sales claim, not a study",
        "Marketing: a claim made to sell a treatment, not a study.",
    ),
    "secondary summary": (
        "figure read second-hand",
        "Secondary summary: the figure was read in a digest, not the study.",
    ),
}
_INDUSTRY_LINK = (
    "industry-linked",
    "Industry-linked: sponsored or written by the maker or developer.",
)
_STYLESHEET = "h2 { margin-bottom: 6px; } h3 { margin-top: 18px; margin-bottom: 4px; }"


def _caution(source: SourceRef) -> tuple[str, str]:
    return _CAUTION.get(source.kind.value, _INDUSTRY_LINK)


def _plain_caution(source: SourceRef) -> str:
    if source.kind in CAUTION_KINDS:
        return f"⚠ Take care: this is {source.kind.plain_label}."
    return "⚠ Take care: the maker of the product paid for or helped write this."


def source_caution_flag(source: SourceRef) -> str:
    """An inline ⚠ flag saying why a source needs caution; empty for sources that do not."""
    if not source.needs_caution:
        return ""
    return caution_flag(f"⚠ {_caution(source)[0]}")


def make_browser(parent: QWidget, accessible_name: str) -> QTextBrowser:
    """A read-only rich-text browser that never follows a link by itself (no network)."""
    browser = QTextBrowser(parent)
    browser.setOpenLinks(False)
    browser.setOpenExternalLinks(False)
    browser.setAccessibleName(accessible_name)
    browser.document().setDefaultStyleSheet(_STYLESHEET)
    browser.document().setDocumentMargin(8)
    return browser


def provenance_html(
    sources: Sequence[SourceRef],
    *,
    context: str | None = None,
    last_reviewed: dt.date | None = None,
    kb_version: str | None = None,
    plain: bool = False,
) -> str:
    """HTML listing each source with everything a physician needs to judge it; ``plain``
    words the kind, peer review and caution for patients and leaves out clinician notes."""
    parts = []
    if context:
        parts.append(f"<p><b>{esc(context)}</b></p>")
    if not sources:
        parts.append("<p>No source is recorded for this item.</p>")
    for source in sources:
        kind = esc(source.kind.plain_label if plain else source.kind.value)
        flag = ""
        if source.needs_caution:
            flag = "<br>" + caution_flag(
                _plain_caution(source) if plain else "⚠ " + _caution(source)[1]
            )
        ids = []
        if source.pmid:
            ids.append(f"PMID {esc(source.pmid)}")
        if source.doi:
            ids.append(f"DOI {esc(source.doi)}")
        if source.url:
            ids.append(esc(source.url))
        peer = "peer-reviewed" if source.peer_reviewed else "not peer-reviewed"
        if plain:
            peer = (
                "checked by other experts"
                if source.peer_reviewed
                else ("not checked by other experts")
            )
        year = f" · {source.year}" if source.year else ""
        parts.append(
            "<p style='margin-top:8px'>"
            f"{esc(source.citation)}<br>"
            f"<i>{'What it is' if plain else 'Kind'}:</i> {kind} · {peer}{year}"
            + (f"<br><i>Identifiers:</i> {' · '.join(ids)}" if ids else "")
            + (f"<br><i>Note:</i> {esc(source.note)}" if source.note and not plain else "")
            + flag
            + "</p>"
        )
    footer = []
    if last_reviewed:
        footer.append(f"Entry last reviewed {last_reviewed:%d %B %Y}")
    if kb_version:
        footer.append(f"knowledge base {esc(kb_version)}")
    if footer:
        parts.append(f"<p style='color:gray'>{' · '.join(footer)}</p>")
    return "".join(parts)


class ProvenanceDialog(QDialog):
    """A small window listing the sources behind one cell, badge or number."""

    def __init__(self, title: str, body_html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName("Provenance")
        self.resize(640, 420)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)  # no network: identifiers are shown, not opened
        self.browser.setAccessibleName("Sources")
        self.browser.setHtml(body_html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)


def show_source(
    parent: QWidget,
    source: SourceRef,
    *,
    title: str | None = None,
    last_reviewed: dt.date | None = None,
    kb_version: str | None = None,
) -> ProvenanceDialog:
    """Open (modally) the provenance of one source and return the dialog. From patient mode
    it is worded for patients and takes patient mode's type size."""
    plain = in_patient_mode(parent)
    body = provenance_html(
        [source], last_reviewed=last_reviewed, kb_version=kb_version, plain=plain
    )
    kind = source.kind.plain_label if plain else source.kind.value
    dialog = ProvenanceDialog(title or f"Source: {kind}", body, parent)
    if plain:
        dialog.setFont(parent.window().font())
    dialog.exec()
    return dialog


def in_patient_mode(widget: QWidget | None) -> bool:
    """True when ``widget`` belongs to the patient-mode window (directly or via dialogs)."""
    while widget is not None:
        if widget.objectName() == "PatientWindow":
            return True
        widget = widget.parentWidget()
    return False


def cell_provenance_html(
    model, row: int, column: int, piece: int | None, kb_version: str | None
) -> str | None:
    """Where the content of one comparison cell (or one piece of it) comes from."""
    from PySide6.QtCore import Qt

    if not (0 <= column < model.columnCount()):
        return None
    treatment = model.treatment(column)
    cell = model.cell(row, column)
    ids = cell.pieces[piece].sources if piece is not None else cell.sources
    by_id = {s.id: s for s in treatment.sources}
    label = model.headerData(row, Qt.Orientation.Vertical).lstrip("◆ ")
    context = f"{model.name_of(treatment)} — {label}"
    if piece is not None and cell.pieces[piece].kind == "certainty":
        context += f": {cell.pieces[piece].text}"
    if cell.note:
        context += f". {cell.note}"
    return provenance_html(
        [by_id[i] for i in ids if i in by_id],
        context=context,
        last_reviewed=treatment.last_reviewed,
        kb_version=kb_version,
        plain=model.plain,
    )
