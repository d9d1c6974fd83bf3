"""Start the window: paint the shell first, then open the data on a worker thread."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from explorer.paths import log_dir
from explorer.ui.window.loader import KnowledgeLoader
from explorer.ui.window.main_window import MainWindow
from explorer.ui.window.settings import UiSettings

if TYPE_CHECKING:
    from explorer.store.backend import Backend

log = logging.getLogger(__name__)


def _configure_logging(data_dir: Path) -> Path | None:
    """Log to ``explorer.log`` in the data folder's log folder (its path), else stderr."""
    import logging.handlers

    folder = log_dir(data_dir)
    path: Path | None = folder / "explorer.log"
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # private (health data)
        folder.mkdir(exist_ok=True, mode=0o700)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "explorer.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler, path = logging.StreamHandler(sys.stderr), None
    from explorer.logs import LOG_FORMAT, PrivateFormatter

    handler.setFormatter(PrivateFormatter(LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    """Qt's own messages go to the log file, not to a console the user never sees; but a
    critical or fatal one (no display, no platform plugin) is also printed, so a failed
    start never ends in silence."""
    level = _QT_LEVELS.get(kind, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)
    if level >= logging.ERROR:
        print(f"Spine Treatment Explorer: {message}", file=sys.stderr, flush=True)


def create_window(
    backend: Backend, settings: UiSettings | None = None, *, build: bool = True
) -> tuple[MainWindow, KnowledgeLoader]:
    """Build the window and a loader that the caller starts once the window has been shown."""
    window = MainWindow(settings, build=build, backend=backend)
    loader = KnowledgeLoader(backend, prefetch=window.settings.comparison)
    loader.setParent(window)
    loader.sig_loaded.connect(window.show_knowledge)
    loader.sig_failed.connect(window.show_error)
    loader.sig_damaged.connect(window.offer_rebuild)
    loader.sig_not_private.connect(lambda text: window.statusBar().showMessage(text, 30_000))
    return window, loader


class _FirstPaint(QObject):
    """Runs ``then`` once, on the event loop turn after ``widget`` first painted."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, then)
        return False


def run(backend: Backend) -> int:
    # Until the log file is set up (after the first paint), Qt's messages go nowhere
    # rather than to a console the user never sees.
    logging.getLogger("qt").addHandler(logging.NullHandler())
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Spine Treatment Explorer")
    app.setOrganizationName("SpineTreatmentExplorer")
    data_dir = backend.data_dir
    window, loader = create_window(backend, build=False)

    def after_first_paint() -> None:
        from explorer.ui.window import unexpected

        unexpected.install(_configure_logging(data_dir))
        loader.start()  # the worker opens the data while the GUI thread builds the panels
        window.build()

    _FirstPaint(window, after_first_paint)
    window.show()
    return app.exec()
