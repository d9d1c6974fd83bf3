"""The main window shell: paints at once, then shows the knowledge base when it has loaded.

The full explorer (filters, comparison, provenance, charts) builds on this shell.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
)

from explorer.domain.models import KnowledgeBaseInfo, TreatmentSummary
from explorer.ui.catalog_model import CatalogTableModel


class MainWindow(QMainWindow):
    """Top-level window; ``show_knowledge`` fills it once the data has loaded."""

    sig_closing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Spine Treatment Explorer")
        self.resize(1280, 720)
        self._info: KnowledgeBaseInfo | None = None
        self._stack = QStackedWidget(self)
        self._loading = QLabel("Loading the knowledge base…", self)
        self._loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._loading.setWordWrap(True)
        self.catalog_model = CatalogTableModel(self)
        self.catalog_view = QTableView(self)
        self.catalog_view.setModel(self.catalog_model)
        self.catalog_view.setAccessibleName("Treatment catalog")
        self.catalog_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.catalog_view.setAlternatingRowColors(True)
        self.catalog_view.horizontalHeader().setStretchLastSection(True)
        self.catalog_view.verticalHeader().hide()
        self._stack.addWidget(self._loading)
        self._stack.addWidget(self.catalog_view)
        self.setCentralWidget(self._stack)
        self._build_menus()
        self._version_label = QLabel("", self)
        disclaimer = QPushButton("Disclaimer", self)
        disclaimer.setFlat(True)
        disclaimer.setAccessibleName("Show disclaimer")
        disclaimer.clicked.connect(self.show_disclaimer)
        self.statusBar().addPermanentWidget(self._version_label)
        self.statusBar().addPermanentWidget(disclaimer)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        self.disclaimer_action = QAction("&Disclaimer", self)
        self.disclaimer_action.triggered.connect(self.show_disclaimer)
        help_menu.addAction(self.disclaimer_action)
        about = QAction("&About this knowledge base", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def show_knowledge(self, info: KnowledgeBaseInfo, treatments: list[TreatmentSummary]) -> None:
        self._info = info
        self.catalog_model.set_treatments(treatments)
        self.catalog_view.resizeColumnsToContents()
        self._stack.setCurrentWidget(self.catalog_view)
        self._version_label.setText(
            f"Knowledge base {info.kb_version} · reviewed {info.last_reviewed:%d %b %Y}"
        )
        self._version_label.setMinimumWidth(self._version_label.sizeHint().width())
        self.statusBar().showMessage(f"{len(treatments)} treatments", 5000)

    def show_error(self, message: str) -> None:
        self._loading.setText(f"The knowledge base could not be opened.\n\n{message}")
        QMessageBox.critical(self, "Spine Treatment Explorer", message)

    def show_disclaimer(self) -> None:
        text = self._info.disclaimer if self._info else "The knowledge base is still loading."
        QMessageBox.information(self, "Disclaimer", text)

    def show_about(self) -> None:
        if self._info is None:
            return
        i = self._info
        QMessageBox.information(
            self,
            "About this knowledge base",
            f"{i.title}\nVersion {i.kb_version}, last reviewed {i.last_reviewed}\n"
            f"Evidence current to: {i.evidence_current_to}\n\nUpdate policy: {i.update_policy}\n\n"
            f"Funding: {i.funding}\n\nConflicts of interest: {i.conflicts_of_interest}",
        )

    def closeEvent(self, event) -> None:
        self.sig_closing.emit()
        super().closeEvent(event)
