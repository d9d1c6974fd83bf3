"""What locking clinician mode hides besides the consult itself: the clipboard, if it holds
something of the open consult, and the window's open dialogs (preferences, print preview,
the audit log, questions waiting for an answer)."""

from __future__ import annotations

from PySide6 import QtGui, QtWidgets


def forget_clipboard(private_texts: tuple[str, ...] = ()) -> None:
    """Empty the clipboard if it holds something copied in this application, or any piece
    of ``private_texts`` (the open consult): a note must not be pasted in patient mode."""
    clipboard = QtGui.QGuiApplication.clipboard()
    modes = [QtGui.QClipboard.Mode.Clipboard]
    if clipboard.supportsSelection():
        modes.append(QtGui.QClipboard.Mode.Selection)
    for mode in modes:
        owned = (
            clipboard.ownsClipboard()
            if mode == QtGui.QClipboard.Mode.Clipboard
            else clipboard.ownsSelection()
        )
        text = clipboard.text(mode).strip()
        if owned or (text and any(text in private for private in private_texts)):
            clipboard.clear(mode)


def close_dialogs_of(window: QtWidgets.QWidget) -> None:
    """Close every dialog of ``window`` except PIN prompts: preferences, print preview,
    the audit log, message boxes waiting for an answer (answered "no"), file dialogs."""
    from explorer.ui.clinic.pin_lock import PinDialog

    for widget in QtWidgets.QApplication.topLevelWidgets():
        if (
            isinstance(widget, QtWidgets.QDialog)
            and widget.isVisible()
            and not isinstance(widget, PinDialog)
            and _owned_by(widget, window)
        ):
            widget.reject()


def _owned_by(widget: QtWidgets.QWidget, window: QtWidgets.QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
