"""Help → Help, Disclaimer and About of the main window: message boxes, nothing more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtWidgets import QWidget

from explorer.ui.window.style import as_is

if TYPE_CHECKING:
    from explorer.domain.models import ExplorerSnapshot
    from explorer.store.backend import Backend


def show_help(parent: QWidget) -> None:
    QtWidgets.QMessageBox.information(
        parent,
        "Help",
        "1. Choose the patient's condition in the toolbar.\n"
        "2. Find treatments in the catalog: type to search, or narrow by minimum "
        "certainty, approach and invasiveness.\n"
        "3. Add 2 to 6 treatments: double-click, press Enter, drag, or Ctrl+Return. "
        "Ctrl+B adds watchful waiting as a baseline.\n"
        "4. Click a certainty badge or any cited text, or press Enter on a cell, to see "
        "its sources.\n"
        "5. Ctrl+Shift+L switches to plain language for the patient.\n\n"
        "Rows marked ◆ are where the treatments differ most.",
    )


def show_disclaimer(parent: QWidget, snapshot: ExplorerSnapshot | None) -> None:
    text = snapshot.info.disclaimer if snapshot else "The knowledge base is still loading."
    QtWidgets.QMessageBox.information(parent, "Disclaimer", as_is(text))


def show_about(parent: QWidget, snapshot: ExplorerSnapshot | None, backend: Backend) -> None:
    if snapshot is None:
        return
    i = snapshot.info
    QtWidgets.QMessageBox.information(
        parent,
        "About this knowledge base",
        as_is(
            f"{i.title}\nVersion {i.kb_version}, last reviewed {i.last_reviewed}\n"
            f"Evidence current to: {i.evidence_current_to}\n\n"
            f"What it covers: {i.scope or 'not stated in this knowledge base.'}\n\n"
            f"Update policy: {i.update_policy}"
            f"\n\nFunding: {i.funding}\n\nConflicts of interest: {i.conflicts_of_interest}\n\n"
            f"Reading level: {i.reading_level}\n\n"
            f"Database in use: {backend.describe()}"
        ),
    )
