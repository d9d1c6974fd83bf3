"""Against a server that answers after 3 s the window keeps repainting, and what is typed
in the notes while a save waits for the server is saved too (issue 14, point 2)."""

from __future__ import annotations

import itertools
import os
import time

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy.engine import make_url

from explorer.services.consults import ConsultService
from tests.engines import engine_of
from tests.ui.helpers import close_window, open_window
from tests.ui.slow_server import DelayingProxy

pytestmark = [pytest.mark.postgres_only, pytest.mark.usefixtures("database")]

SERVER_DELAY_S = 3.0
TICK_MS = 50


@pytest.fixture
def slow_server(monkeypatch, database):
    """``$EXPLORER_DATABASE_URL`` through a proxy whose ``delay`` the test sets."""
    url = make_url(os.environ["EXPLORER_DATABASE_URL"])
    proxy = DelayingProxy(url.host or "127.0.0.1", url.port or 5432)
    direct = url.render_as_string(hide_password=False)
    monkeypatch.setenv(
        "EXPLORER_DATABASE_URL",
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
    )
    yield proxy, direct
    proxy.close()


def _saved_notes(direct_url: str, data_dir, consult_id: int, monkeypatch) -> str:
    monkeypatch.setenv("EXPLORER_DATABASE_URL", direct_url)  # past the proxy
    engine = engine_of(data_dir, "clinic")
    try:
        consult = ConsultService(engine).get(consult_id)
        assert consult is not None
        return consult.notes_html
    finally:
        engine.dispose()


def test_typing_during_a_slow_save_keeps_the_window_painting_and_loses_nothing(
    qtbot, data_dir, settings_file, slow_server, monkeypatch
) -> None:
    proxy, direct = slow_server
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.start_consult()
        panel = window.consult
        window.activateWindow()
        panel.notes.setFocus()
        ticks: list[float] = []
        timer = QTimer(window)
        timer.setInterval(TICK_MS)
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        busy: list[bool] = []
        window.operations.sig_busy.connect(busy.append)
        proxy.delay = SERVER_DELAY_S
        timer.start()
        started = time.monotonic()

        qtbot.keyClicks(panel.notes, "Pain worse at night.")
        qtbot.waitUntil(lambda: not panel.save_idle(), timeout=5000)  # the autosave began
        qtbot.keyClicks(panel.notes, " Typed while it was saving.")  # not lost
        assert "Typed while it was saving." in panel.notes.toPlainText()
        qtbot.waitUntil(
            lambda: window.operations.idle() and not panel.has_unsaved() and panel.save_idle(),
            timeout=30_000,
        )
        timer.stop()
        elapsed = time.monotonic() - started

        assert proxy.delayed >= 2  # both saves waited for the server
        assert elapsed >= 2 * SERVER_DELAY_S
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        assert max(gaps) < 0.5, f"the GUI thread stalled for {max(gaps):.1f} s"
        assert len(ticks) >= 0.7 * elapsed * 1000 / TICK_MS  # ~every 50 ms throughout
        assert True in busy  # the window said it was busy (status text, busy cursor)
        consult_id = panel.consult.id
        proxy.delay = 0.0
    finally:
        proxy.delay = 0.0
        close_window(window)
    saved = _saved_notes(direct, data_dir, consult_id, monkeypatch)
    assert "Pain worse at night. Typed while it was saving." in saved
