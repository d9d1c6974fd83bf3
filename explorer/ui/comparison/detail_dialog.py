"""One treatment in full: evidence by condition, harms, guidelines, time frame and sources."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from explorer.domain.comparison import (
    PLAIN_TIMING_NOTE,
    certainty_text,
    direction_text,
    kind_text,
    outcome_text,
    plain_text,
    stance_text,
)
from explorer.domain.models import Finding, SourceRef, Treatment
from explorer.domain.vocab import NOT_ESTABLISHED, PLAIN_NO_REGULATORY_NOTE, PLAIN_NOT_ESTABLISHED
from explorer.ui.comparison.provenance import (
    ProvenanceDialog,
    make_browser,
    show_source,
    source_caution_flag,
)
from explorer.ui.window.style import HARM_COLOUR, caution_flag, certainty_badge, esc

log = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(days=5 * 365)  # the knowledge base's update policy: five years


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class TreatmentDetailDialog(QDialog):
    """Everything the knowledge base holds about one treatment, every claim with its sources.

    Source numbers such as [2] are links: clicking one opens a ProvenanceDialog for that
    source. Findings are grouped by condition; a listed condition without any finding says
    "Not established". Harms get the same heading and layout as benefits. With ``plain`` every
    text is a plain-language field or plain vocabulary word (citations excepted).
    """

    def __init__(
        self,
        treatment: Treatment,
        condition_names: Mapping[str, str],
        *,
        plain: bool = False,
        kb_version: str | None = None,
        plain_condition_names: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.treatment = treatment
        self._conditions = dict(condition_names)
        if plain:
            self._conditions.update(plain_condition_names or {})
        self._plain = plain
        self._kb_version = kb_version
        self._sources = {s.id: s for s in treatment.sources}
        self._numbers = {s.id: n for n, s in enumerate(treatment.sources, 1)}
        self.name = plain_text(treatment.plain_name) if plain else treatment.name
        self.setWindowTitle(self.name)
        self.resize(760, 640)
        self.browser = make_browser(self, "Treatment detail")
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self._html = self._build()
        self.browser.setHtml(self._html)

    def html(self) -> str:
        return self._html

    def open_source(self, source_id: str) -> ProvenanceDialog | None:
        """Show the provenance of one source (modal); None when the id is unknown."""
        source = self._sources.get(source_id)
        if source is None:
            log.warning("Source %r is not listed for %s", source_id, self.treatment.slug)
            return None
        return show_source(
            self,
            source,
            title=f"Source [{self._numbers[source_id]}] · {self.name}",
            last_reviewed=self.treatment.last_reviewed,
            kb_version=self._kb_version,
        )

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        scheme, _, key = url.toString().partition(":")
        if scheme == "source":
            self.open_source(key)

    # --- HTML ----------------------------------------------------------------------------
    def _refs(self, source_ids: tuple[str, ...]) -> str:
        refs = []
        for sid in source_ids:
            if sid in self._numbers:
                refs.append(f'<a href="source:{esc(sid)}">[{self._numbers[sid]}]</a>')
            else:
                refs.append(f"[{esc(sid)}]")  # not listed: shown, but nothing to open
        return " " + "".join(refs) if refs else ""

    def _caution(self, source_ids: tuple[str, ...]) -> str:
        flagged = [self._sources[s] for s in source_ids if s in self._sources]
        plain = self._plain
        kinds = sorted(
            {
                kind_text(s.kind, plain=plain)
                if s.kind.needs_caution
                else ("linked to the maker: " if plain else "industry-linked ")
                + kind_text(s.kind, plain=plain)
                for s in flagged
                if s.needs_caution
            }
        )
        prefix = "⚠ Take care, this includes " if plain else "⚠ includes "
        return " " + caution_flag(prefix + ", ".join(kinds)) if kinds else ""

    def _finding(self, f: Finding) -> str:
        plain = self._plain
        badge = certainty_badge(f.certainty, certainty_text(f.certainty, plain=plain))
        if plain:  # the plain effect names what the treatment was compared with
            meta = [f"When: {esc(plain_text(f.plain_timepoint))}"]
            meta.append(esc(_cap(direction_text(f.direction, plain=True))))
            heading = f"<b>{esc(outcome_text(f.outcome, plain=True))}</b>"
        else:
            meta = [f"At: {esc(f.timepoint)}", esc(f.direction.value)]
            if f.certainty_note:
                meta.append(esc(f.certainty_note))
            heading = f"<b>{esc(_cap(f.outcome))}</b> vs {esc(f.comparison)}"
        return (
            f"<p>{heading}<br>"
            f"{badge}{self._caution(f.sources)}<br>"
            f"{esc(f.plain_effect if plain else f.effect)}{self._refs(f.sources)}<br>"
            f"<small>{' · '.join(meta)}</small></p>"
        )

    def _source(self, number: int, s: SourceRef) -> str:
        if self._plain:
            checked = (
                "checked by other experts" if s.peer_reviewed else "not checked by other experts"
            )
            facts = [esc(kind_text(s.kind, plain=True)), checked]
        else:
            facts = [esc(s.kind.value), "peer-reviewed" if s.peer_reviewed else "not peer-reviewed"]
        facts += [str(s.year)] if s.year else []
        facts += [f"PMID {esc(s.pmid)}"] if s.pmid else []
        facts += [f"DOI {esc(s.doi)}"] if s.doi else []
        facts += [esc(s.url)] if s.url else []
        flag = source_caution_flag(s)
        return (
            f'<p><a href="source:{esc(s.id)}">[{number}]</a> {esc(s.citation)}<br>'
            f"<small>{' · '.join(facts)}</small>{' ' + flag if flag else ''}</p>"
        )

    def _build(self) -> str:
        t, plain = self.treatment, self._plain
        name_of = self._conditions.get
        h = []
        h.append(f"<h2>{esc(self.name)}</h2>")
        if not plain:  # the category is clinician wording; the plain summary says what it is
            h.append(
                f"<p>{esc(t.category)} · {esc(t.approach.value)} · {esc(t.invasiveness.value)}</p>"
            )
        h.append(f"<h3>What it is</h3><p>{esc(plain_text(t.plain_summary))}</p>")
        how = plain_text(t.plain_mechanism) if plain else t.mechanism
        h.append(f"<h3>How it works</h3><p>{esc(how) or 'Not described.'}</p>")
        used = "".join(f"<li>{esc(name_of(c, c))}</li>" for c in t.conditions)
        h.append(f"<h3>{'What it is used for' if plain else 'Conditions'}</h3><ul>{used}</ul>")

        h.append(f"<h3>{'What studies found' if plain else 'Benefits: evidence by condition'}</h3>")
        order = list(t.conditions) + [
            c for c in dict.fromkeys(f.condition for f in t.findings) if c not in t.conditions
        ]
        for condition in order:
            h.append(f"<h4>{esc(name_of(condition, condition))}</h4>")
            findings = t.findings_for(condition)
            h.extend(self._finding(f) for f in findings)
            if not findings and plain:
                h.append(
                    f"<p><b>{PLAIN_NOT_ESTABLISHED}</b>: the studies we checked have no result"
                    " for this.</p>"
                )
            elif not findings:
                h.append(
                    f"<p><b>{_cap(NOT_ESTABLISHED)}</b>: no study result for this condition"
                    " in the evidence reviewed.</p>"
                )

        h.append(f"<h3>{'Possible harms' if plain else 'Harms'}</h3>")
        for harm in t.harms:
            serious = f'<b style="color:{HARM_COLOUR}">Serious</b> · ' if harm.serious else ""
            text = plain_text(harm.plain_description) if plain else harm.description
            often = plain_text(harm.plain_frequency) if plain else harm.frequency
            h.append(
                f"<p>{serious}{esc(text)}{self._refs(harm.sources)}{self._caution(harm.sources)}"
                f"<br><small>How often: {esc(often)}</small></p>"
            )
        if not t.harms:
            h.append("<p>No harms are recorded for this treatment in the knowledge base.</p>")

        h.append(f"<h3>{'What guidelines say' if plain else 'Guideline positions'}</h3>")
        for g in t.guidelines:
            if plain:
                h.append(
                    f"<p><b>{esc(stance_text(g.stance, plain=True))}</b><br>"
                    f"{esc(plain_text(g.plain_position))}{self._refs(g.sources)}</p>"
                )
            else:
                h.append(
                    f"<p><b>{esc(g.body)}</b> · {esc(g.stance)}<br>"
                    f"{esc(g.position)}{self._refs(g.sources)}</p>"
                )
        if not t.guidelines:
            h.append("<p>No guideline position is recorded.</p>")

        tf = t.timeframe
        if plain:
            rows = [
                ("When it may start to help", tf.plain_onset_text),
                ("What a course looks like", plain_text(tf.plain_course)),
                ("How long any help lasts", plain_text(tf.plain_duration_of_effect)),
            ] + ([("How we know", PLAIN_TIMING_NOTE)] if tf.note else [])
        else:
            rows = [
                ("Onset", _cap(tf.onset_text)),
                ("Course", tf.course),
                ("Duration of effect", tf.duration_of_effect),
            ] + ([("Note", tf.note)] if tf.note else [])
        cells = "".join(
            f"<tr><td><b>{esc(k)}</b></td><td>{esc(v) or 'Not established'}</td></tr>"
            for k, v in rows
        )
        h.append(
            f"<h3>{'How long it takes' if plain else 'Time frame'}</h3>"
            f'<table cellspacing="0" cellpadding="3">{cells}</table>'
        )
        h.append(f"<h3>What it asks of {'you' if plain else 'the patient'}</h3>")
        h.append(f"<p>{esc(t.patient_commitment) or 'Not described.'}</p>")
        h.append(f"<h3>{'Who gives it' if plain else 'Delivered by'}</h3>")
        who = plain_text(t.plain_delivered_by) if plain else t.delivered_by
        h.append(f"<p>{esc(who) or 'Not described.'}</p>")
        if plain:
            note = plain_text(t.plain_regulatory_note) if t.regulatory_note else None
            h.append(f"<h3>Approval and rules</h3><p>{esc(note or PLAIN_NO_REGULATORY_NOTE)}</p>")
        elif t.regulatory_note:
            h.append(f"<h3>Regulatory note</h3><p>{esc(t.regulatory_note)}</p>")

        h.append(
            f"<h3>{'Where this comes from' if plain else 'Sources'}</h3>"
            "<p><small>Click a number for full details.</small></p>"
        )
        h.extend(self._source(n, s) for n, s in enumerate(t.sources, 1))
        footer = f"Last reviewed {t.last_reviewed:%d %B %Y}"
        if self._kb_version:
            footer += f" · knowledge base {esc(self._kb_version)}"
        if dt.date.today() - t.last_reviewed > STALE_AFTER:
            footer += " " + caution_flag("⚠ out of date: not reviewed for over five years")
        h.append(f"<p><small>{footer}</small></p>")
        return "".join(h)
