"""Settings show which database is in use: the data folder's SQLite files, or the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.store.backend import BadDatabaseUrl
from explorer.ui.clinic.preferences import PreferencesDialog
from explorer.ui.window.settings import UiSettings
from tests.engines import backend_of


def test_preferences_show_the_data_folder_or_the_server(qtbot, tmp_path: Path, monkeypatch):
    assert backend_of(tmp_path).describe() == f"SQLite files in {tmp_path}"
    monkeypatch.setenv("EXPLORER_DATABASE_URL", "postgresql://explorer@db.clinic:5433/explorer")
    shown = backend_of(tmp_path).describe()
    assert shown == "PostgreSQL database explorer on db.clinic:5433 as explorer"
    dialog = PreferencesDialog(UiSettings(), database=shown)
    qtbot.addWidget(dialog)
    assert dialog.database.text() == shown and dialog.database.isReadOnly()
    monkeypatch.setenv("EXPLORER_LOCAL_KNOWLEDGE", "1")
    assert backend_of(tmp_path).describe().endswith(f"knowledge base in {tmp_path}")


def test_a_url_with_a_password_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EXPLORER_DATABASE_URL", "postgresql://explorer:secret@db/explorer")
    with pytest.raises(BadDatabaseUrl) as refused:
        backend_of(tmp_path)
    assert "password" in str(refused.value)
    assert "secret" not in str(refused.value)
