"""An error that no code path handled (a bug) reaches the user as one calm message that
says saved work is safe and where the details are, and the traceback goes to the log,
not to a console nobody sees; an error written for the user is shown in its own words."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from explorer.errors import UserFacingError
from explorer.ui.window import unexpected


@pytest.fixture
def shown(monkeypatch) -> list[tuple[str, str]]:
    boxes: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, message: boxes.append((title, message))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    return boxes


@pytest.mark.qt_no_exception_capture
def test_an_error_escaping_a_slot_becomes_one_message_and_a_logged_traceback(
    qtbot, shown, tmp_path, caplog
) -> None:
    unexpected.install(tmp_path / "explorer.log")

    def buggy_slot() -> None:
        raise KeyError("patient 123 notes")

    with caplog.at_level(logging.ERROR, logger="explorer.ui.window.unexpected"):
        QTimer.singleShot(0, buggy_slot)
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    title, message = shown[0]
    assert title == "Unexpected error"
    assert "KeyError" in message and str(tmp_path / "explorer.log") in message
    assert "saved before is safe" in message
    assert "patient 123" not in message and "Traceback" not in message
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


@pytest.mark.qt_no_exception_capture
def test_a_user_facing_error_is_shown_in_its_own_words(qtbot, shown) -> None:
    unexpected.install(None)

    def slot() -> None:
        raise UserFacingError("The database server could not be used: check the network.")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [("Not done", "The database server could not be used: check the network.")]
