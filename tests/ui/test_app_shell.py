"""The window shell: paints first, then loads the knowledge base off the GUI thread."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt

from explorer.ui.comparison.catalog_model import CatalogTableModel
from explorer.ui.window.app import create_window
from tests.engines import backend_of


def test_window_loads_the_catalog_after_it_is_shown(qtbot, data_dir) -> None:
    window, loader = create_window(backend_of(data_dir))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(loader.sig_loaded, timeout=20_000):
        loader.start()
    model = window.catalog.model
    names = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert "Exercise therapy / physical therapy" in names
    slugs = {model.index(r, 0).data(CatalogTableModel.SlugRole) for r in range(model.rowCount())}
    assert "watchful-waiting" in slugs and len(slugs) == model.rowCount() >= 14
    assert window.catalog.view.accessibleName() == "Treatment catalog"
    loader.service.close()


def test_catalog_model_passes_qt_model_tester(qtmodeltester, stores) -> None:
    with stores.knowledge_session() as session:
        rows = stores.repository(session).treatment_summaries()
    model = CatalogTableModel()
    model.set_treatments(rows)
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Treatment"
    from explorer.domain.catalog import CatalogQuery

    model.set_query(CatalogQuery(text="chiropractic"))
    qtmodeltester.check(model)
    assert model.slugs() == ["spinal-manipulation"]


def test_damaged_data_shows_a_message_not_a_traceback(qtbot, data_dir) -> None:
    """A damaged knowledge base: what and where, and a rebuild offered (tests/ui/
    test_damaged_data.py goes on to accept it)."""
    (data_dir / "knowledge.sqlite-wal").unlink(missing_ok=True)
    (data_dir / "knowledge.sqlite").write_bytes(b"garbage" * 100)
    window, loader = create_window(backend_of(data_dir))
    qtbot.addWidget(window)
    with qtbot.waitSignal(loader.sig_damaged, timeout=20_000):
        loader.start()
    qtbot.waitUntil(lambda: window.current_dialog is not None)
    text = window.current_dialog.text()
    assert "not a SQLite database" in text and str(data_dir / "knowledge.sqlite") in text
    assert window.backups.rebuild_button.text() == "&Rebuild the knowledge base"


@pytest.mark.slow
def test_launching_offscreen_on_a_fresh_data_dir_keeps_running_quietly(tmp_path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EXPLORER_DATA_DIR=str(tmp_path / "d"))
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    still_running = process.poll() is None
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert still_running, err.decode()
    assert err.decode() == ""
    assert (tmp_path / "d" / "knowledge.sqlite").exists()


def test_about_box_states_what_the_knowledge_base_covers(
    qtbot, data_dir, settings_file, monkeypatch
):
    """Issue 16: the scope statement (what is covered, what is not and why) is in the About
    box, from the knowledge base itself."""
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.helpers import close_window, open_window

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: shown.append(text))
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.show_about()
        (text,) = shown
        assert f"What it covers: {window.snapshot.info.scope}" in text
        assert "neck pain" in text and "spinal cord stimulation" in text
    finally:
        close_window(window)
