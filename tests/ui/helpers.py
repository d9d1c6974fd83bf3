"""Opening the real window in tests: private INI settings, data loaded, ready."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from explorer.ui.window.app import create_window
from explorer.ui.window.settings import UiSettings
from tests.conftest import TEST_PIN
from tests.engines import backend_of


def open_window(qtbot, data_dir: Path, settings_file: Path, *, unlocked: bool = False):
    """The main window on ``data_dir``, shown and filled (``sig_ready`` received); with
    ``unlocked``, clinician mode unlocked with the test PIN through the Consult tab."""
    settings = UiSettings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    window, loader = create_window(backend_of(data_dir), settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.sig_ready, timeout=30_000):
        loader.start()
    # The clinic database opens on a worker thread right after the first paint; the tests
    # start from where that has ended, as a clinician a moment after the window appeared.
    QApplication.processEvents()
    window.operations.wait()
    if unlocked:
        unlock(window)
    return window


def unlock(window, pin: str = TEST_PIN) -> None:
    """Type the PIN into the Consult tab's lock page, as a clinician would. The daily
    backup that follows the opening of the clinic database has reported first (opened on a
    worker thread, its status message would otherwise land in the middle of the test)."""
    assert window.open_clinic()
    window.wait_for_backup()
    QApplication.processEvents()  # its result, emitted before the thread ended
    form = window.consult_lock.form
    form.pin.setText(pin)
    assert form.try_submit(), form.message.text()
    assert window.unlocked


def close_window(window) -> None:
    window.close()
    if window.service is not None:
        window.service.close()


def clinic_engine(window):
    """The engine of the window's open clinic database, once every queued write (audit
    events, saves) has ended: writes run on the operations layer's write queue, and a test
    reads what they wrote."""
    window.operations.wait()
    assert window.clinic.session is not None, "the clinic database is not open"
    return window.clinic.session.engine
