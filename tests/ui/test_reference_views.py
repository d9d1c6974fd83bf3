"""Reference views (pathway, glossary, FAQ) and the treatment detail dialog, on the shipped KB."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor

from explorer.domain.comparison import certainty_text
from explorer.ui.comparison.detail_dialog import TreatmentDetailDialog
from explorer.ui.comparison.provenance import ProvenanceDialog
from explorer.ui.comparison.reference_views import (
    FaqView,
    GlossaryListModel,
    GlossaryView,
    PathwayView,
)
from explorer.ui.window.style import esc


@pytest.fixture
def kb(stores):
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        return SimpleNamespace(
            pathway=repo.pathway(),
            glossary=repo.glossary(),
            faq=repo.faq(),
            fibrin=repo.treatment("intra-annular-fibrin"),
            esi=repo.treatment("epidural-steroid-injection"),
            plain_conditions={c.slug: c.plain_name for c in repo.conditions()},
            names={t.slug: t.name for t in repo.treatment_summaries()},
            conditions={c.slug: c.name for c in repo.conditions()},
            kb_version=repo.info().kb_version,
        )


def _step_sections(html: str) -> dict[str, str]:
    """HTML of each <h3> section, keyed by the heading's text up to the first ' ·'/'<'."""
    sections = {}
    for chunk in html.split("<h3>")[1:]:
        key = chunk.split(" ·")[0].split("<")[0]
        sections[key] = chunk
    return sections


# --- pathway -------------------------------------------------------------------------------
@pytest.fixture
def pathway(qtbot, kb):
    view = PathwayView()
    qtbot.addWidget(view)
    view.set_steps(kb.pathway, kb.names)
    return view


def test_pathway_shows_five_numbered_steps_with_escalation_criteria(pathway, kb) -> None:
    sections = _step_sections(pathway.html())
    assert [k for k in sections if k.startswith("Step")] == [f"Step {n}" for n in range(1, 6)]
    assert pathway.html().count("Move on when…") == 5
    text = pathway.browser.toPlainText()
    for step in kb.pathway:
        assert step.title in text
        assert all(criterion in text for criterion in step.escalation_criteria)
        assert all(esc(kb.names[slug]) in sections[f"Step {step.step}"] for slug in step.treatments)


def test_pathway_in_plain_words_shows_plain_escalation_criteria(pathway, kb) -> None:
    pathway.set_plain(True)
    text = pathway.browser.toPlainText()
    for step in kb.pathway:
        assert all(criterion in text for criterion in step.plain_escalation_criteria)
        assert not any(criterion in text for criterion in step.escalation_criteria)
    assert pathway.browser.accessibleName() == "Care pathway"
    assert "in your comparison" not in pathway.html()
    assert not pathway.browser.openLinks()


@pytest.mark.parametrize(
    ("slugs", "marked"),
    [
        (["exercise-therapy"], {"Step 2"}),
        (["intra-annular-fibrin"], {"Step 4"}),
        (["watchful-waiting", "intra-annular-fibrin"], {"Step 2", "Step 4", "Step 5"}),
    ],
)
def test_set_compared_marks_the_steps_holding_compared_treatments(pathway, slugs, marked) -> None:
    pathway.set_compared(slugs)
    sections = _step_sections(pathway.html())
    assert {k for k, v in sections.items() if "in your comparison" in v} == marked
    assert {k for k, v in sections.items() if "in your comparison" in v.split("</h3>")[0]} == marked
    for key in marked:
        for slug in slugs:
            name = esc(pathway._names[slug])
            if name in sections[key]:
                assert f"{name}</a> ● in your comparison</b>" in sections[key]
    pathway.set_compared([])
    assert "in your comparison" not in pathway.html()


def test_compared_treatment_in_no_step_is_listed_separately(pathway, kb) -> None:
    pathway.set_steps(kb.pathway, {**kb.names, "acupuncture": "Acupuncture"})
    pathway.set_compared(["acupuncture", "exercise-therapy"])
    sections = _step_sections(pathway.html())
    outside = sections["In your comparison but in no step"]
    assert "Acupuncture" in outside and "Exercise therapy" not in outside


def test_pathway_plain_wording(pathway, kb) -> None:
    first = kb.pathway[0]
    pathway.set_plain(True)
    html = pathway.html()
    assert esc(first.plain_title) in html and esc(first.title) not in html
    assert html.count("When to change the plan") == 5 and "Move on when" not in html
    pathway.set_plain(False)
    assert esc(first.title) in pathway.html()


def test_pathway_treatment_link_reports_the_slug(qtbot, pathway) -> None:
    with qtbot.waitSignal(pathway.sig_treatment_clicked) as blocker:
        pathway.browser.anchorClicked.emit(QUrl("treatment:exercise-therapy"))
    assert blocker.args == ["exercise-therapy"]


# --- glossary ------------------------------------------------------------------------------
@pytest.fixture
def glossary(qtbot, kb):
    view = GlossaryView()
    qtbot.addWidget(view)
    view.set_entries(kb.glossary, kb.names)
    return view


def test_glossary_model_passes_qt_model_tester(qtmodeltester, kb) -> None:
    model = GlossaryListModel()
    model.set_entries(kb.glossary)
    qtmodeltester.check(model)
    model.set_filter("pain")
    qtmodeltester.check(model)


def test_glossary_filter_matches_terms_and_synonyms(glossary, kb) -> None:
    assert glossary.model.rowCount() == len(kb.glossary)
    assert glossary.filter_edit.accessibleName() == "Search glossary"
    assert glossary.filter_edit.placeholderText() == "Filter terms"
    assert glossary.list_view.accessibleName() == "Glossary terms"
    glossary.filter_edit.setText("chiro")
    assert glossary.model.terms() == ["Chiropractic"]
    assert glossary.current_entry().term == "Chiropractic"
    assert "<h2>Chiropractic</h2>" in glossary.html()
    assert "Spinal manipulation and mobilisation" in glossary.html()  # linked treatment by name
    glossary.filter_edit.setText("PRP")  # a synonym only
    assert glossary.model.terms() == ["Platelet-rich plasma"]
    glossary.filter_edit.setText("zzzz")
    assert glossary.model.rowCount() == 0 and "No term matches" in glossary.html()
    glossary.filter_edit.clear()
    assert glossary.model.rowCount() == len(kb.glossary)


def test_show_term_selects_even_behind_a_filter(glossary, kb) -> None:
    glossary.filter_edit.setText("chiro")
    assert glossary.show_term("radiculopathy")
    assert glossary.filter_edit.text() == ""
    assert glossary.current_entry().term == "Radiculopathy"
    entry = next(e for e in kb.glossary if e.term == "Radiculopathy")
    assert esc(entry.definition) in glossary.html()
    assert not glossary.show_term("no such term")
    assert glossary.current_entry().term == "Radiculopathy"


def test_glossary_plain_definition(glossary, kb) -> None:
    entry = next(e for e in kb.glossary if e.plain_definition != e.definition)
    glossary.show_term(entry.term)
    glossary.set_plain(True)
    assert esc(entry.plain_definition) in glossary.html()
    assert esc(entry.definition) not in glossary.html()


def test_down_arrow_moves_from_filter_into_list(qtbot, glossary) -> None:
    glossary.show()
    qtbot.waitExposed(glossary)
    glossary.activateWindow()
    glossary.filter_edit.setFocus()
    qtbot.keyClicks(glossary.filter_edit, "sciat")
    assert glossary.model.terms() == ["Radiculopathy"]
    qtbot.keyClick(glossary.filter_edit, Qt.Key.Key_Down)
    qtbot.waitUntil(glossary.list_view.hasFocus)
    assert glossary.list_view.currentIndex().row() == 0


# --- FAQ -------------------------------------------------------------------------------------
def test_faq_lists_every_question_and_switches_to_plain_answers(qtbot, kb) -> None:
    view = FaqView()
    qtbot.addWidget(view)
    view.set_entries(kb.faq)
    assert view.browser.accessibleName() == "Frequently asked questions"
    html = view.html()
    assert html.count("<h3>") == len(kb.faq) >= 5
    for entry in kb.faq:
        assert f"</a>{esc(entry.question)}</h3>" in html
        assert esc(entry.answer) in html
        assert all(esc(s.citation) in html for s in entry.sources)
    assert "a sales claim, not a study" in html  # the clinic page is a marketing source
    view.resize(800, 500)
    view.show()
    qtbot.waitExposed(view)
    view.browser.anchorClicked.emit(QUrl(f"#q{len(kb.faq)}"))  # the index jumps to a question
    scrolled = view.browser.verticalScrollBar().value()
    assert scrolled > 0
    view.set_plain(True)
    assert view.browser.verticalScrollBar().value() > 0  # the toggle keeps the reader's place
    plain = view.html()
    changed = [e for e in kb.faq if e.plain_answer != e.answer]
    assert changed
    for entry in changed:
        assert esc(entry.plain_answer) in plain and esc(entry.answer) not in plain


# --- treatment detail ---------------------------------------------------------------------
@pytest.fixture
def detail(qtbot, kb):
    dialog = TreatmentDetailDialog(kb.fibrin, kb.conditions, kb_version=kb.kb_version)
    qtbot.addWidget(dialog)
    return dialog


def _section(html: str, heading: str) -> str:
    return html.split(heading, 1)[1].split("<h3>", 1)[0]


def test_detail_shows_findings_by_condition_and_not_established(detail, kb) -> None:
    t = kb.fibrin
    assert detail.windowTitle() == t.name
    assert detail.browser.accessibleName() == "Treatment detail"
    html = detail.html()
    missing = [c for c in t.conditions if not t.findings_for(c)]
    assert missing == ["persistent-pain-after-surgery"]
    for condition in t.conditions:
        block = html.split(f"<h4>{esc(kb.conditions[condition])}</h4>", 1)[1].split("<h", 1)[0]
        assert ("Not established" in block) == (condition in missing)
    for finding in t.findings:
        assert esc(finding.effect) in html
        assert certainty_text(finding.certainty, plain=False) in html
    assert f"Last reviewed {t.last_reviewed:%d %B %Y} · knowledge base {kb.kb_version}" in html


def test_detail_shows_harms_with_serious_ones_marked(detail, kb) -> None:
    harms = _section(detail.html(), "<h3>Harms</h3>")
    assert all(esc(h.description) in harms for h in kb.fibrin.harms)
    assert harms.count(">Serious</b>") == sum(h.serious for h in kb.fibrin.harms) >= 1


def test_detail_flags_marketing_and_registry_sources(detail, kb) -> None:
    sources = _section(detail.html(), "<h3>Sources</h3>")
    entries = sources.split("<p>")[2:]
    by_id = {s.id: next(e for e in entries if esc(s.citation) in e) for s in kb.fibrin.sources}
    assert "a sales claim, not a study" in by_id["seed-clinic-page"]
    assert "no comparison group" in by_id["yin-2014"]
    assert "⚠" not in by_id["nice-ng59"]
    assert "DOI 10.1111/pme.12249" in by_id["yin-2014"]


def test_detail_plain_mode_uses_plain_effects(qtbot, kb) -> None:
    dialog = TreatmentDetailDialog(kb.fibrin, kb.conditions, plain=True)
    qtbot.addWidget(dialog)
    html = dialog.html()
    assert all(esc(f.plain_effect) in html for f in kb.fibrin.findings)
    assert esc(kb.fibrin.findings[0].effect) not in html
    assert "Possible harms" in html


def test_detail_plain_mode_shows_only_plain_fields(qtbot, kb) -> None:
    esi = kb.esi
    dialog = TreatmentDetailDialog(
        esi, kb.conditions, plain=True, plain_condition_names=kb.plain_conditions
    )
    qtbot.addWidget(dialog)
    html = dialog.html()
    tf = esi.timeframe
    plain = [esi.plain_delivered_by, esi.plain_regulatory_note, tf.plain_course]
    plain += [tf.plain_duration_of_effect, *(h.plain_frequency for h in esi.harms)]
    plain += [g.plain_position for g in esi.guidelines]
    plain += [f.plain_timepoint for f in esi.findings]
    plain += [kb.plain_conditions[c] for c in esi.conditions]
    assert all(esc(text) in html for text in plain)
    clinician = [esi.delivered_by, esi.regulatory_note, tf.course, tf.duration_of_effect, tf.note]
    clinician += [h.frequency for h in esi.harms] + [g.position for g in esi.guidelines]
    clinician += [g.body for g in esi.guidelines] + [f.comparison for f in esi.findings]
    clinician += [kb.conditions[c] for c in esi.conditions if c != "sciatica"]
    clinician += ["peer-reviewed", "minimally invasive", "Regulatory note"]
    assert [text for text in clinician if esc(text) in html] == []


def test_detail_escapes_content(qtbot, kb) -> None:
    odd = dataclasses.replace(kb.fibrin, name="Fibrin <b>glue</b> & co")
    dialog = TreatmentDetailDialog(odd, kb.conditions)
    qtbot.addWidget(dialog)
    assert "Fibrin &lt;b&gt;glue&lt;/b&gt; &amp; co" in dialog.html()
    assert "<b>glue</b>" not in dialog.html()


def _anchor_position(dialog: TreatmentDetailDialog, href: str):
    document = dialog.browser.document()
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + 1)
                dialog.browser.setTextCursor(cursor)
                dialog.browser.ensureCursorVisible()
                return dialog.browser.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError(f"no anchor {href}")


def test_clicking_a_source_number_opens_its_provenance(qtbot, detail, kb, monkeypatch) -> None:
    shown: list[ProvenanceDialog] = []
    monkeypatch.setattr(ProvenanceDialog, "exec", lambda self: shown.append(self) or 0)
    detail.show()
    qtbot.waitExposed(detail)
    position = _anchor_position(detail, "source:seed-clinic-page")
    qtbot.mouseClick(detail.browser.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert len(shown) == 1
    text = shown[0].browser.toPlainText()
    source = next(s for s in kb.fibrin.sources if s.id == "seed-clinic-page")
    assert source.citation in text and "Marketing: a claim made to sell" in text
    assert kb.kb_version in text and "Entry last reviewed" in text
    assert detail.open_source("no-such-source") is None and len(shown) == 1
