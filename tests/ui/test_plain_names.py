"""Plain names, plain questions and plain figures wherever plain mode shows them."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from explorer.domain.vocab import PLAIN_NOT_WRITTEN
from explorer.ui.charts.icon_array_chart import IconArrayChart
from explorer.ui.comparison.catalog_model import CatalogTableModel
from explorer.ui.comparison.comparison_model import ComparisonTableModel
from explorer.ui.comparison.detail_dialog import TreatmentDetailDialog
from explorer.ui.comparison.reference_views import FaqView, GlossaryView, PathwayView
from explorer.ui.window.style import esc
from tests.ui.helpers import close_window, open_window

ATLAS = "sciatica-improved-12mo-atlas"


@pytest.fixture
def kb(stores):
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        summaries = repo.treatment_summaries()
        return SimpleNamespace(
            summaries=summaries,
            treatments={s.slug: repo.treatment(s.slug) for s in summaries},
            names={s.slug: s.name for s in summaries},
            pathway=repo.pathway(),
            glossary=repo.glossary(),
            faq=repo.faq(),
            statistics=repo.statistics(),
            conditions={c.slug: c.name for c in repo.conditions()},
        )


def _clinician_names(kb) -> list[str]:
    """Clinician names that are not also plain ("Stretching, yoga and Pilates" is both)."""
    plain = {s.plain_name for s in kb.summaries}
    return [s.name for s in kb.summaries if s.name not in plain]


def test_catalog_names_and_tips_are_plain_in_plain_mode(qtmodeltester, kb) -> None:
    model = CatalogTableModel()
    model.set_treatments(list(kb.summaries))
    qtmodeltester.check(model)
    esi = model.row_of("epidural-steroid-injection")
    display, tip = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
    assert model.index(esi, 0).data(display) == "Epidural corticosteroid injection"
    changed: list[int] = []
    model.dataChanged.connect(lambda first, _last: changed.append(first.column()))
    model.set_plain(True)
    assert changed == [0]  # names and evidence words are announced together
    summary = model.summary(esi)
    assert model.index(esi, 0).data(display) == summary.plain_name
    assert model.index(esi, 0).data(Qt.ItemDataRole.AccessibleTextRole) == summary.plain_name
    assert model.index(esi, 0).data(tip) == f"{summary.plain_name}\n{summary.plain_summary}"
    assert "GRADE" not in model.index(esi, 1).data(tip)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Studies say"
    for row in range(model.rowCount()):
        shown = [model.index(row, c).data(r) for c in (0, 1) for r in (display, tip)]
        for name in _clinician_names(kb):
            assert all(name not in text for text in shown), (row, name)
        for word in ("Spinal injections", " · active", "non-invasive", "certainty"):
            assert all(word not in text for text in shown), (row, word)


def test_catalog_without_plain_names_says_so_in_plain_mode(kb) -> None:
    bare = [dataclasses.replace(s, plain_name="") for s in kb.summaries]
    model = CatalogTableModel()
    model.set_treatments(bare)
    model.set_plain(True)
    assert model.index(0, 0).data() == PLAIN_NOT_WRITTEN


def test_comparison_headers_use_plain_names(qtmodeltester, kb) -> None:
    model = ComparisonTableModel(resolve=kb.treatments.get)
    model.set_slugs(["tens", "surgery-discectomy-decompression"])
    qtmodeltester.check(model)
    header = Qt.Orientation.Horizontal
    assert model.headerData(0, header) == kb.treatments["tens"].name
    model.set_plain(True)
    assert model.headerData(0, header) == "Small electric pulses on the skin (TENS)"
    surgery = model.headerData(1, header)
    assert surgery == kb.treatments["surgery-discectomy-decompression"].plain_name
    assert "comparator" not in surgery and "—" not in surgery
    tip = model.headerData(0, header, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Last checked") and "Electrotherapy" not in tip
    refused: list[str] = []
    model.sig_refused.connect(refused.append)
    model.add(kb.treatments["tens"])
    assert refused == ["Small electric pulses on the skin (TENS) is already in the comparison."]


def test_detail_dialog_title_and_heading_are_the_plain_name(qtbot, kb) -> None:
    esi = kb.treatments["epidural-steroid-injection"]
    dialog = TreatmentDetailDialog(esi, kb.conditions, plain=True)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == esi.plain_name
    assert f"<h2>{esc(esi.plain_name)}</h2>" in dialog.html()
    before_sources = dialog.html().split("<h3>Where this comes from</h3>")[0]  # citations stay
    assert esi.name not in before_sources and esc(esi.category) not in dialog.html()
    clinician = TreatmentDetailDialog(esi, kb.conditions)
    qtbot.addWidget(clinician)
    assert clinician.windowTitle() == esi.name


def test_pathway_and_glossary_links_use_plain_names(qtbot, kb) -> None:
    pathway = PathwayView()
    qtbot.addWidget(pathway)
    pathway.set_steps(kb.pathway, kb.names)  # callers pass the clinician names
    pathway.set_compared(["epidural-steroid-injection"])
    assert "Epidural corticosteroid injection" in pathway.html()
    pathway.set_plain(True)
    html = pathway.html()
    linked = {slug for step in kb.pathway for slug in step.treatments}
    assert linked
    for slug in linked:
        plain = kb.treatments[slug].plain_name
        assert f'<a href="treatment:{slug}">{esc(plain)}</a>' in html, slug
    for name in _clinician_names(kb):
        assert esc(name) not in html, name
    for step in kb.pathway:
        assert esc(step.plain_title) in html and esc(step.title) not in html

    glossary = GlossaryView()
    qtbot.addWidget(glossary)
    glossary.set_entries(kb.glossary, kb.names)
    glossary.set_plain(True)
    entry = next(e for e in kb.glossary if "epidural-steroid-injection" in e.treatments)
    assert glossary.show_term(entry.term)
    html = glossary.html()
    assert esc(kb.treatments["epidural-steroid-injection"].plain_name) in html
    assert "Epidural corticosteroid injection" not in html


def test_pathway_of_an_old_knowledge_base_never_falls_back_to_clinician_wording(qtbot, kb) -> None:
    bare = [
        dataclasses.replace(
            s,
            plain_escalation_criteria=(),
            plain_treatment_names=tuple("" for _ in s.treatments),
        )
        for s in kb.pathway
    ]
    view = PathwayView()
    qtbot.addWidget(view)
    view.set_steps(bare, kb.names)
    view.set_plain(True)
    html = view.html()
    assert PLAIN_NOT_WRITTEN in html
    assert not any(esc(c) in html for s in kb.pathway for c in s.escalation_criteria)
    assert not any(esc(name) in html for name in kb.names.values())


def test_faq_shows_plain_questions_in_plain_mode(qtbot, kb) -> None:
    view = FaqView()
    qtbot.addWidget(view)
    view.set_entries(kb.faq)
    view.set_plain(True)
    html = view.html()
    for entry in kb.faq:
        assert html.count(esc(entry.plain_question)) == 2  # the index and the heading
        if entry.plain_question != entry.question:
            assert esc(entry.question) not in html
    assert "physiatrist for spine care" not in html
    assert "(marketing)" not in html and "(an advert)" in html  # kinds in plain words
    bare = [dataclasses.replace(e, plain_question="") for e in kb.faq]
    view.set_entries(bare)
    assert esc(kb.faq[2].question) not in view.html() and PLAIN_NOT_WRITTEN in view.html()


@pytest.fixture
def icons(qtbot, kb):
    chart = IconArrayChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 650)
    chart.set_data(kb.statistics)
    chart.select_statistic(ATLAS)
    return chart


def test_icon_array_in_plain_words_leads_with_words_then_the_count(icons, kb) -> None:
    atlas = next(s for s in kb.statistics if s.id == ATLAS)
    icons.set_plain(True)
    assert icons.current_statistic().id == ATLAS  # the choice survives the switch
    framing = icons.framing.text()
    assert framing.startswith("About half of people with sciatica had much less trouble")
    assert "55 out of 100</b>." in framing and "the other <b" in framing
    assert "45 out of 100</b>." in framing
    boxed = [icons.figure_box.itemText(i) for i in range(icons.figure_box.count())]
    assert boxed[icons.figure_box.currentIndex()].startswith("About half of people")
    assert all(s.label not in " ".join(boxed) for s in kb.statistics)
    assert not any(text.startswith("uS") or " uS " in text for text in boxed)
    assert atlas.plain_population in icons.caption.text()
    assert atlas.population not in icons.caption.text()
    key = icons._key.toPlainText()
    assert "About half: 55 out of 100" in key and "The others: 45 out of 100" in key
    icons.set_format("words")
    assert icons.plotted() == (55, 45)
    icons.set_plain(False)
    assert icons.framing.text().startswith("Out of 100 people")
    assert icons.figure_box.currentText() == atlas.label


def test_icon_array_keeps_acronyms_at_the_start_of_labels(icons) -> None:
    icons.select_statistic("us-adults-lbp-3mo-nhis-2002")
    assert "— US adults with low back pain" in icons.framing.text()
    icons.set_plain(True)
    assert icons.framing.text().startswith("About 1 in 4 US adults had low back pain")


def test_patient_mode_shows_plain_names_questions_and_figures(qtbot, data_dir, settings_file):
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.condition.setCurrentIndex(window.condition.findData("sciatica"))
        window.add_to_comparison(["epidural-steroid-injection", "facet-injection-rf-denervation"])
        window.patient_mode_action.trigger()
        patient = window.patient_window
        qtbot.waitExposed(patient)
        browse = patient.browse
        catalog = browse.catalog.model
        names = [catalog.index(r, 0).data() for r in range(catalog.rowCount())]
        headers = [
            browse.model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(browse.model.columnCount())
        ]
        assert "Steroid shot near the spine nerves (epidural injection)" in headers
        browse.pathway.set_compared(browse.model.slugs())
        views = [browse.pathway.html(), browse.glossary.html(), browse.faq.html()]
        # Citations (in <small>) stay as published: they name documents.
        views = [re.sub(r"<small>.*?</small>", "", html, flags=re.S) for html in views]
        shown = "\n".join([*names, *headers, *views])
        for clinician in (
            "Epidural corticosteroid injection",
            "Facet joint injections / radiofrequency denervation",
            "Is biologic disc repair considered non-surgical?",
            "physiatrist for spine care",
        ):
            assert clinician not in shown
        browse.tabs.setCurrentWidget(browse.charts)
        icons = browse.charts.icons
        assert icons.framing.text().startswith("About half of people with sciatica")
        patient.ask_to_leave()
    finally:
        patient._close_dialog()
        patient._leaving = True
        patient.close()
        close_window(window)
