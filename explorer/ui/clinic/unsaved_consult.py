"""Closing the window while the open consult could not be saved (the database refuses it:
full disk, server unreachable, upgraded by a newer version): the clinician can keep the
text in a file first, close without it, or stay. Nothing typed goes without a question."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from explorer.ui.clinic.consult_panel import ConsultPanel
from explorer.ui.window.style import as_is


def may_close(parent: QWidget, panel: ConsultPanel, unlocked: bool) -> bool:
    """Whether to close; asks only when the consult on screen (or behind the lock) is unsaved."""
    if not panel.has_unsaved():
        return True
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Consult not saved",
        "The open consult could not be saved (see the previous message).",
        parent=parent,
    )
    keep = None
    if unlocked and panel.consult is not None:
        box.setInformativeText(
            "Keep what was typed in a text file before closing? The file is not encrypted: "
            "put it where patient records belong, and add it to the consult once the "
            "database works again."
        )
        keep = box.addButton("Save the text to a file…", QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText(
            "It is hidden behind the lock: unlock with the PIN to see it or to keep it in a "
            "file. Closing now loses what was typed since the last save."
        )
    close = box.addButton("Close without it", QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep or stay)
    box.exec()
    if box.clickedButton() is close:
        return True
    if keep is not None and box.clickedButton() is keep:
        return save_consult_text(parent, panel)
    return False


def suggested_name(panel: ConsultPanel, today: dt.date) -> str:
    current = panel.current()
    label = current.patient_label if current is not None else ""
    label = "".join(c if c.isalnum() or c in "-_" else "-" for c in label.strip()).strip("-")
    name = " ".join(p for p in (f"{today:%Y-%m-%d}", "consult", label) if p)
    return f"{name} (not saved).txt"


def save_consult_text(parent: QWidget, panel: ConsultPanel) -> bool:
    """Ask where, then write the open consult as plain text (atomically); True if kept."""
    from explorer.errors import UserFacingError
    from explorer.fileio import atomic_write_bytes

    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        "Save the consult text",
        str(Path.home() / suggested_name(panel, dt.date.today())),
        "Text file (*.txt)",
    )
    if not chosen:
        return False
    path = Path(chosen) if chosen.lower().endswith(".txt") else Path(chosen + ".txt")
    try:
        atomic_write_bytes(path, panel.as_text().encode("utf-8"))
    except UserFacingError as exc:  # says which file and why (full disk, no permission)
        QMessageBox.warning(parent, "Not saved", as_is(str(exc)))
        return False
    return True
