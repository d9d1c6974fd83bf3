"""The last line of defence: an error no code path handled becomes a calm message.

Installed as ``sys.excepthook`` by :func:`explorer.ui.window.app.run` (not in tests, where
pytest-qt turns such an error into a failure). PySide6 calls the hook for an exception
that escapes a slot; without it the user would see nothing at all (the traceback goes to a
console nobody looks at). The hook writes the traceback to the log file, then shows one
message: what happened in a line, that saved work is safe, and where the details are. An
error written for the user (:class:`~explorer.errors.UserFacingError`) is shown as it is.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from explorer.errors import UserFacingError
from explorer.ui.window.style import as_is

log = logging.getLogger(__name__)

_showing = False


def unexpected_error_text(error: BaseException, log_file: Path | None) -> str:
    """The message for ``error``: its own words when written for the user, else one line."""
    if isinstance(error, UserFacingError):
        return str(error)
    where = f" The details are in the log file {log_file}." if log_file else ""
    return (
        f"Something went wrong that the application did not expect ({type(error).__name__}). "
        "What was saved before is safe; text still on screen stays there, so you can copy it."
        f"{where} If it happens again, restart the application and tell the clinic's IT."
    )


def install(log_file: Path | None) -> None:
    """Route unhandled errors to the log and one message box at a time."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        global _showing
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        log.error("unhandled error", exc_info=(kind, error, trace))
        if _showing or QApplication.instance() is None:
            return  # one box at a time; a second error while it shows is only logged
        _showing = True
        try:
            title = "Not done" if isinstance(error, UserFacingError) else "Unexpected error"
            QMessageBox.warning(
                QApplication.activeWindow(), title, as_is(unexpected_error_text(error, log_file))
            )
        except Exception:  # never raise from the hook itself
            log.exception("could not show the error message")
        finally:
            _showing = False

    sys.excepthook = hook
