"""Contract tests run over every page of :class:`explorer.ui.window.pages.PagesWidget`, in both the
clinician's and the patient's form (in the spirit of Orange's widget contract tests): each
page builds, fits a 1366×768 screen at 100 % type, follows the wording switch and paints."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTextEdit, QWidget

from explorer.ui.window.pages import PagesWidget
from explorer.ui.window.wording import WordingModel
from tests.ui.helpers import close_window, open_window

PAGES = ("comparison", "charts", "pathway", "glossary", "faq")
# Clinician and plain names differ for both (the plain fields are written out).
COMPARED = ["epidural-steroid-injection", "spinal-manipulation"]


def _texts(widget: QWidget) -> list[str]:
    """Everything a reader can see in ``widget``: labels, browsers, item views' cells and
    headers (the charts' titles and captions are labels)."""
    texts = [label.text() for label in widget.findChildren(QLabel)]
    texts += [edit.toPlainText() for edit in widget.findChildren(QTextEdit)]
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        # a list model's columnCount is private in PySide6: one column
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
        for column in range(columns):
            texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
        for row in range(model.rowCount(QModelIndex())):
            texts.append(str(model.headerData(row, Qt.Orientation.Vertical) or ""))
            for column in range(columns):
                texts.append(str(model.index(row, column, QModelIndex()).data() or ""))
    return texts


@pytest.fixture
def loaded(qtbot, data_dir, settings_file):
    """The knowledge base as the window loaded it: (snapshot, resolve)."""
    window = open_window(qtbot, data_dir, settings_file)
    yield window.snapshot, window.service.treatment
    close_window(window)


def _pages(qtbot, loaded, wording: WordingModel, *, patient: bool) -> PagesWidget:
    snapshot, resolve = loaded
    pages = PagesWidget(wording, patient=patient)
    qtbot.addWidget(pages)
    pages.set_knowledge(snapshot, resolve)
    pages.set_condition("sciatica", "Sciatica")
    pages.add_slugs(COMPARED)
    pages.resize(1000, 700)
    pages.show()
    return pages


@pytest.mark.parametrize("name", PAGES)
def test_every_page_builds_fits_the_screen_follows_the_wording_and_paints(
    qtbot, loaded, name: str
) -> None:
    wording = WordingModel()
    pages = _pages(qtbot, loaded, wording, patient=False)
    page = getattr(pages, name)
    pages.setCurrentWidget(pages.comparison_page if name == "comparison" else page)
    qtbot.wait(10)
    if name == "charts":
        assert page.built
    minimum = page.minimumSizeHint().expandedTo(page.minimumSize())
    assert minimum.width() <= 1366 and minimum.height() <= 768, minimum

    clinician = _texts(page)
    wording.set_plain(True)
    qtbot.wait(10)
    plain = _texts(page)
    assert plain != clinician, f"{name} did not follow the wording switch"
    wording.set_plain(False)
    qtbot.wait(10)
    assert _texts(page) == clinician  # and back

    image = page.grab().toImage()
    assert not image.isNull() and image.width() > 0 and image.height() > 0
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in (image.height() // 2,)
    }
    assert len(colours) > 1, f"{name} painted a blank image"


@pytest.mark.parametrize("name", PAGES)
def test_patient_pages_are_plain_fixed_and_paint(qtbot, loaded, name: str) -> None:
    wording = WordingModel.fixed_plain()
    pages = _pages(qtbot, loaded, wording, patient=True)
    page = getattr(pages, name)
    pages.setCurrentWidget(pages.comparison_page if name == "comparison" else page)
    qtbot.wait(10)
    assert pages.comparison_model.plain and pages.words is not None
    with pytest.raises(ValueError, match="fixed"):
        wording.set_plain(False)
    minimum = page.minimumSizeHint().expandedTo(page.minimumSize())
    assert minimum.width() <= 1366 and minimum.height() <= 768, minimum
    assert not page.grab().toImage().isNull()
