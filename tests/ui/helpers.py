"""Opening the real window in tests: private INI settings, data loaded, ready."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from explorer.ui.app import create_window
from explorer.ui.settings import UiSettings


def open_window(qtbot, data_dir: Path, settings_file: Path):
    """The main window on ``data_dir``, shown and filled (``sig_ready`` received)."""
    settings = UiSettings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    window, loader = create_window(data_dir, settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.sig_ready, timeout=30_000):
        loader.start()
    return window


def close_window(window) -> None:
    window.close()
    if window.service is not None:
        window.service.close()
