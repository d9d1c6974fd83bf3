"""Where a number comes from: citation, kind of source, peer review, identifiers, review date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from explorer.domain.models import SourceRef
from explorer.ui.style import caution_flag, esc

_CAUTION_WORDS = {
    "registry or case series": "Registry or case series: no comparison group.",
    "industry": "Industry: produced or paid for by a maker or seller.",
    "marketing": "Marketing: a claim made to sell a treatment, not a study.",
    "secondary summary": "Secondary summary: the figure was read in a digest, not the study.",
}


def provenance_html(
    sources: Sequence[SourceRef],
    *,
    context: str | None = None,
    last_reviewed: dt.date | None = None,
    kb_version: str | None = None,
) -> str:
    """HTML listing each source with everything a physician needs to judge it."""
    parts = []
    if context:
        parts.append(f"<p><b>{esc(context)}</b></p>")
    if not sources:
        parts.append("<p>No source is recorded for this item.</p>")
    for source in sources:
        kind = esc(source.kind.value)
        flag = ""
        if source.needs_caution:
            reason = _CAUTION_WORDS.get(source.kind.value, "Industry-linked work.")
            if source.industry_link and not source.kind.needs_caution:
                reason = "Industry-linked: sponsored or written by the maker or developer."
            flag = "<br>" + caution_flag("⚠ " + reason)
        ids = []
        if source.pmid:
            ids.append(f"PMID {esc(source.pmid)}")
        if source.doi:
            ids.append(f"DOI {esc(source.doi)}")
        if source.url:
            ids.append(esc(source.url))
        peer = "peer-reviewed" if source.peer_reviewed else "not peer-reviewed"
        year = f" · {source.year}" if source.year else ""
        parts.append(
            "<p style='margin-top:8px'>"
            f"{esc(source.citation)}<br>"
            f"<i>Kind:</i> {kind} · {peer}{year}"
            + (f"<br><i>Identifiers:</i> {' · '.join(ids)}" if ids else "")
            + (f"<br><i>Note:</i> {esc(source.note)}" if source.note else "")
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
