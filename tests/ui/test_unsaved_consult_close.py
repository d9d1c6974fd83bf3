"""Closing the window while the open consult cannot be saved (here: a newer version
upgraded the database) asks first: keep the text in a file, close without it, or stay.
Behind the lock the text is not offered for a file (that would need the PIN)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import text

from tests.ui.helpers import clinic_engine, open_window


def _refuse_writes(window) -> None:
    with clinic_engine(window).connect() as connection, connection.begin():
        connection.execute(text("UPDATE alembic_version SET version_num = 'c9999'"))


class Answer:
    """Stands in for the person at the close question: records it, clicks ``choice``."""

    def __init__(self, monkeypatch, choice: str) -> None:
        self.buttons: list[str] = []
        self.informative = ""
        monkeypatch.setattr(QMessageBox, "exec", lambda box: self._exec(box))
        monkeypatch.setattr(QMessageBox, "warning", lambda *_a: None)  # the failed save's
        self.choice = choice

    def _exec(self, box: QMessageBox) -> int:
        self.buttons = [b.text() for b in box.buttons()]
        self.informative = box.informativeText()
        (button,) = [b for b in box.buttons() if b.text() == self.choice]
        button.click()
        return 0


@pytest.fixture
def window_with_unsaved_notes(qtbot, data_dir, settings_file):
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    window.start_consult()
    window.consult.label.setText("J. S.")
    window.consult.notes.setPlainText("Typed before the upgrade.")
    assert window.consult.save_now()
    _refuse_writes(window)
    window.consult.notes.setPlainText("Typed before the upgrade. Prefers walking to pills.")
    window.consult.plan.setText("Walking programme, review in 6 weeks")
    yield window
    window.consult.has_unsaved = lambda: False  # let the fixture's teardown close it
    window.close()


def test_the_text_can_be_kept_in_a_file_then_the_window_closes(
    window_with_unsaved_notes, monkeypatch, tmp_path: Path
) -> None:
    window = window_with_unsaved_notes
    answer = Answer(monkeypatch, "Save the text to a file…")
    asked: list[str] = []

    def choose(_parent, _title, suggested, _filter):
        asked.append(suggested)
        return str(tmp_path / "kept"), "Text file (*.txt)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    window.close()
    assert not window.isVisible()  # closed
    assert sorted(answer.buttons) == ["Cancel", "Close without it", "Save the text to a file…"]
    assert Path(asked[0]).name.endswith("consult J--S (not saved).txt")
    kept = (tmp_path / "kept.txt").read_text(encoding="utf-8")
    assert "Prefers walking to pills." in kept and "Walking programme" in kept
    assert "Patient label: J. S." in kept and "not saved in the database" in kept
    assert (tmp_path / "kept.txt").stat().st_mode & 0o077 == 0  # private, like every export


def test_cancel_keeps_the_window_open_with_the_text(window_with_unsaved_notes, monkeypatch):
    window = window_with_unsaved_notes
    Answer(monkeypatch, "Cancel")
    window.close()
    assert window.isVisible()
    assert "Prefers walking to pills." in window.consult.notes.toPlainText()


def test_choosing_no_file_keeps_the_window_open(window_with_unsaved_notes, monkeypatch):
    window = window_with_unsaved_notes
    Answer(monkeypatch, "Save the text to a file…")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    window.close()
    assert window.isVisible()


def test_behind_the_lock_the_text_is_not_offered_for_a_file(
    window_with_unsaved_notes, monkeypatch
) -> None:
    window = window_with_unsaved_notes
    answer = Answer(monkeypatch, "Close without it")
    window.lock_clinician()  # the unsaved text is hidden, kept for the unlock
    assert window.consult.notes.toPlainText() == "" and window.consult.has_unsaved()
    window.close()
    assert not window.isVisible()
    assert "Save the text to a file…" not in answer.buttons
    assert "unlock with the PIN" in answer.informative
