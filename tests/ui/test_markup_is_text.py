"""Text from the knowledge base is plain text on every screen: a knowledge base whose every
text field holds ``<b>PROBE…</b><img src="file://…">`` shows that markup literally, and Qt
never opens the image file.

``kb import`` refuses such a file now; the probe is imported with that check switched off,
as a knowledge base written by an older version (or by hand into the database) would be.

Two checks. Every text a widget shows is read back as the user sees it (a label's rich
text, a tooltip's, a graphics item's, a delegate's HTML, a browser's document) and must
contain the probe's ``<b>`` literally. And the ``<img>`` points at a named pipe with a
thread waiting to write into it: a reader that opens it wakes the thread, which counts the
opening, so any rich-text widget anywhere that loaded the image is caught, whether or not
the first check looked at it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGraphicsTextItem,
    QGraphicsView,
    QLabel,
    QMessageBox,
    QTextEdit,
)

from explorer.services import knowledge
from explorer.services.stores import open_stores
from explorer.ui.comparison.rich_delegate import RichTextDelegate
from explorer.ui.patient.patient_window import PatientWindow
from tests.engines import backend_of
from tests.ui.helpers import close_window, open_window

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the image probe is a named pipe")

# Fields that name something (slugs, ids, vocabulary words, dates, identifiers): not text.
NOT_TEXT = {
    "format", "kb_version", "last_reviewed", "slug", "id", "kind", "pmid", "doi", "url",
    "conditions", "condition", "treatments", "sources", "source", "read_in", "outcome",
    "certainty", "direction", "stance", "approach", "invasiveness", "measure", "better",
    "verdict", "funding", "causation", "analysis", "replaces",
}  # fmt: skip
PROBE = re.compile(r"PROBE\d+")


class OpenCounter:
    """A named pipe and a thread that counts how often something opens it for reading."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kb-probe-"))  # short: names fit 80 chars
        self.path = self.folder / "i"
        os.mkfifo(self.path)
        self.opened = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            descriptor = os.open(self.path, os.O_WRONLY)  # blocks until a reader opens it
            os.close(descriptor)  # the reader sees an empty file
            if self._stop:
                return
            self.opened += 1

    def close(self) -> None:
        self._stop = True
        release = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # wakes the thread
        self._thread.join(5)
        os.close(release)
        self.path.unlink()
        self.folder.rmdir()


def _poison(value: Any, probe: str, counter: list[int], key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _poison(v, probe, counter, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, probe, counter, key) for v in value]
    if isinstance(value, str) and key not in NOT_TEXT:
        counter[0] += 1
        return f"<b>PROBE{counter[0]}</b>{probe}"
    return value


@pytest.fixture
def probe_kb(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``data_dir`` holding a knowledge base with markup in every text field."""
    counter = OpenCounter()
    try:
        stores = open_stores(backend_of(data_dir))
        try:
            exported = json.loads(knowledge.document_json(knowledge.export_document_of(stores)))
            poisoned = _poison(exported, f'<img src="file://{counter.path}">', [0])
            path = tmp_path / "probe.json"
            path.write_text(json.dumps(poisoned), encoding="utf-8")
            with monkeypatch.context() as patch:  # as an older version would have imported it
                patch.setattr("explorer.kb.schema.MARKUP", re.compile(r"(?!)"), raising=False)
                knowledge.import_file(stores, path)
        finally:
            stores.close()
        yield counter
    finally:
        counter.close()


def _rendered(text: str) -> str:
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _shown(text: str, rich: bool) -> str:
    return _rendered(text) if rich else text


def _texts_on_screen(messages: list[str]) -> Iterator[tuple[str, str]]:
    """(where, the text as the user sees it) for every widget, item and message."""
    for widget in QApplication.allWidgets():
        name = f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()}"
        if widget.toolTip():
            yield (
                f"{name} tooltip",
                _shown(widget.toolTip(), GuiQt.mightBeRichText(widget.toolTip())),
            )
        if isinstance(widget, QLabel):
            fmt = widget.textFormat()
            rich = fmt == Qt.TextFormat.RichText or (
                fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(widget.text())
            )
            yield name, _shown(widget.text(), rich)
        elif isinstance(widget, QTextEdit):
            yield name, widget.toPlainText()
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            yield from _model_texts(widget, name)
        elif isinstance(widget, QGraphicsView) and widget.scene() is not None:
            for item in widget.scene().items():
                if item.toolTip():
                    yield (
                        f"{name} item tooltip",
                        _shown(item.toolTip(), GuiQt.mightBeRichText(item.toolTip())),
                    )
                if isinstance(item, QGraphicsTextItem):
                    yield f"{name} text item", item.toPlainText()
    for text in messages:
        yield "message box", _shown(text, GuiQt.mightBeRichText(text))


def _model_texts(view: QAbstractItemView, name: str) -> Iterator[tuple[str, str]]:
    model = view.model()
    tip = Qt.ItemDataRole.ToolTipRole
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model whose columnCount is private in the bindings
        columns = 1
    for row in range(min(model.rowCount(QModelIndex()), 60)):
        for column in range(columns):
            index = model.index(row, column)
            yield f"{name} cell", str(index.data() or "")
            tooltip = str(index.data(tip) or "")
            yield f"{name} cell tooltip", _shown(tooltip, GuiQt.mightBeRichText(tooltip))
            delegate = view.itemDelegateForIndex(index)
            if isinstance(delegate, RichTextDelegate):
                yield f"{name} cell html", _rendered(str(index.data(delegate._html_role) or ""))
    for orientation, count in (
        (Qt.Orientation.Horizontal, columns),
        (Qt.Orientation.Vertical, model.rowCount(QModelIndex())),
    ):
        for section in range(min(count, 60)):
            tooltip = str(model.headerData(section, orientation, tip) or "")
            yield f"{name} header tooltip", _shown(tooltip, GuiQt.mightBeRichText(tooltip))


def _check_everything(qtbot, counter: OpenCounter, messages: list[str], seen: set[str]) -> None:
    qtbot.wait(50)  # lay out and paint what was just shown
    for where, text in _texts_on_screen(messages):
        for match in PROBE.finditer(text):
            seen.add(match.group())
            before = text[max(0, match.start() - 3) : match.start()]
            assert before == "<b>", f"{where} shows markup as rich text: {text[:200]!r}"
    assert counter.opened == 0, f"Qt opened the <img> file {counter.opened} times"


def test_knowledge_base_markup_is_shown_as_text_and_never_loads_a_file(
    qtbot, data_dir, settings_file, probe_kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, _title, text, *a: messages.append(text)
    )
    seen: set[str] = set()
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.add_to_comparison(["exercise-therapy", "tens", "epidural-steroid-injection"])
        for wording in (False, True):  # clinician wording, then plain language
            if window.plain_action.isChecked() != wording:
                window.plain_action.trigger()
            for condition in (window.condition.findData("sciatica"), 0):
                window.condition.setCurrentIndex(condition)
                for tab in range(window.tabs.count()):
                    window.tabs.setCurrentIndex(tab)
                    qtbot.wait(20)
                    if window.tabs.currentWidget() is window.charts:
                        for chart in range(window.charts.tabs.count()):
                            window.charts.tabs.setCurrentIndex(chart)
                            _check_everything(qtbot, probe_kb, messages, seen)
                    _check_everything(qtbot, probe_kb, messages, seen)
            window.tabs.setCurrentIndex(0)
            window.show_details("tens")
            _check_everything(qtbot, probe_kb, messages, seen)
            window.current_dialog.close()
            window.open_provenance(0, 0)
            _check_everything(qtbot, probe_kb, messages, seen)
            window.current_dialog.close()
        window.show_disclaimer()
        window.show_about()
        assert len(messages) == 2
        _check_everything(qtbot, probe_kb, messages, seen)

        patient = PatientWindow(
            window.snapshot,
            window.service.treatment,
            leave_check=lambda _pin, _again: None,
            idle_minutes=3,
            condition="sciatica",
            comparison=["exercise-therapy", "tens"],
        )
        qtbot.addWidget(patient)
        patient.show()
        patient.show_browse("sciatica", ["exercise-therapy", "tens"])
        for tab in range(patient.browse.tabs.count()):
            patient.browse.tabs.setCurrentIndex(tab)
            _check_everything(qtbot, probe_kb, messages, seen)
        patient.show_details("tens")
        _check_everything(qtbot, probe_kb, messages, seen)
    finally:
        close_window(window)
    # The probe reached the screen at all (names, cells, tooltips, charts, glossary, FAQ).
    assert len(seen) > 100, sorted(seen)


def test_a_message_naming_a_file_shows_the_name_as_typed(
    qtbot, data_dir, settings_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Message boxes guess rich text too: a folder named ``<b>PROBE1</b>`` is written so."""
    from PySide6.QtWidgets import QFileDialog

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _title, text: warned.append(text))
    target = tmp_path / "<b>PROBE1</b>" / "summary.pdf"  # the folder does not exist
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.add_to_comparison(["exercise-therapy", "tens"])
        assert window.reports.export_pdf("clinician") is None
        window.tabs.setCurrentWidget(window.charts)
        assert window.charts.export(window.charts.outcomes, "png") is None
    finally:
        close_window(window)
    assert len(warned) == 2
    for text in warned:
        assert "<b>PROBE1</b>" in _shown(text, GuiQt.mightBeRichText(text)), text
