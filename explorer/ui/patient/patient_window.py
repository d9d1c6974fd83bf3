"""Patient mode: a separate full-screen window with the knowledge base in plain words.

It is built from the same panels as the clinician's window but holds no reference to the
clinic database: there is no consult, note, history, label, export, print, settings or
file dialog here, no menu bar, and the clinician window's shortcuts belong to that
(hidden) window. Closing it or pressing "Staff: end patient mode" asks for the clinician
PIN. After the idle period it starts over from its welcome screen, forgetting what was
browsed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.models import ExplorerSnapshot, Treatment
from explorer.ui.clinic.pin_lock import IdleWatch, PinDialog
from explorer.ui.comparison.glossary_words import words_used_html

PATIENT_POINT_SIZE = 14.0
"""Base type size in patient mode (points); never smaller than this."""

Submit = Callable[[str, str], tuple[str, int] | None]


class PatientWindow(QWidget):
    """``sig_left`` fires once the clinician PIN ended patient mode."""

    sig_left = Signal()

    def __init__(
        self,
        snapshot: ExplorerSnapshot,
        resolve: Callable[[str], Treatment | None],
        *,
        leave_check: Submit,
        idle_minutes: float,
        condition: str | None = None,
        comparison: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("Spine Treatment Explorer — your treatment options")
        self.setObjectName("PatientWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.snapshot = snapshot
        self._resolve = resolve
        self._leave_check = leave_check
        self._leaving = False
        self._dialog: QDialog | None = None
        font = QFont(self.font())
        font.setPointSizeF(max(PATIENT_POINT_SIZE, font.pointSizeF() * 1.4))
        self.setFont(font)

        header = self._build_header(snapshot)
        self.stack = QStackedWidget(self)
        self.welcome = self._build_welcome()
        self.stack.addWidget(self.welcome)
        self.browse: _BrowsePage | None = None
        info = snapshot.info
        self.footer = QLabel(
            "This is general information from published studies, last checked on "
            f"{info.last_reviewed:%d %B %Y}. It does not take the place of advice from your "
            "own doctor or nurse.",
            self,
        )
        self.footer.setWordWrap(True)
        self.footer.setAccessibleName("About this information")
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)

        self.condition.currentIndexChanged.connect(self._on_condition_changed)
        self.start_over_button.clicked.connect(self.start_over)
        self.leave_button.clicked.connect(self.ask_to_leave)
        self.idle_watch = IdleWatch(idle_minutes * 60, self, clock=clock)
        self.idle_watch.sig_idle.connect(self.start_over)
        if comparison or condition:
            self.show_browse(condition, list(comparison))

    def _build_header(self, snapshot: ExplorerSnapshot) -> QHBoxLayout:
        """Title, the condition, "Start over" and the staff's way out."""
        title = QLabel("Your treatment options", self)
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * 1.3)
        big.setBold(True)
        title.setFont(big)
        self.condition = QComboBox(self)
        self.condition.setAccessibleName("Your condition")
        self.condition.addItem("All conditions", None)
        for c in snapshot.conditions:
            self.condition.addItem(c.plain_name, c.slug)
        self.start_over_button = QPushButton("Start &over", self)
        self.leave_button = QPushButton("Staff: end patient mode", self)
        self.leave_button.setAccessibleName("End patient mode (clinician PIN)")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        label = QLabel("&Condition:", self)
        label.setBuddy(self.condition)
        header.addWidget(label)
        header.addWidget(self.condition)
        header.addWidget(self.start_over_button)
        header.addWidget(self.leave_button)
        return header

    # --- pages -----------------------------------------------------------------------------
    def _build_welcome(self) -> QWidget:
        page = QWidget(self)
        page.setAccessibleName("Welcome")
        heading = QLabel("Welcome", page)
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * 1.6)
        big.setBold(True)
        heading.setFont(big)
        text = QLabel(
            "Here you can read about treatments for back pain and leg pain that do not need "
            "surgery: what each one is, what studies found, how long it takes and its risks. "
            "Start by choosing what your doctor said you have. If you are not sure, choose "
            "“Show all treatments”.",
            page,
        )
        text.setWordWrap(True)
        text.setFixedWidth(60 * self.fontMetrics().averageCharWidth())
        text.setMinimumHeight(text.heightForWidth(text.width()))
        grid = QGridLayout()
        self.condition_buttons: list[QPushButton] = []
        choices = [(c.plain_name, c.slug) for c in self.snapshot.conditions]
        choices.append(("Show all treatments", None))
        for i, (name, slug) in enumerate(choices):
            button = QPushButton(name, page)
            button.setMinimumHeight(3 * self.fontMetrics().height())
            button.clicked.connect(lambda _=False, s=slug: self.show_browse(s, []))
            grid.addWidget(button, i // 2, i % 2)
            self.condition_buttons.append(button)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(heading, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(self.fontMetrics().height())
        layout.addLayout(grid)
        layout.addStretch(2)
        return page

    def show_browse(self, condition: str | None, comparison: list[str]) -> None:
        """The catalog and the comparison for ``condition``, starting with ``comparison``."""
        if self.browse is None:
            self.browse = _BrowsePage(self)
            self.browse.sig_details.connect(self.show_details)
            self.browse.sig_provenance.connect(self._show_provenance)
            self.stack.addWidget(self.browse)
        index = max(0, self.condition.findData(condition)) if condition else 0
        self.condition.blockSignals(True)
        self.condition.setCurrentIndex(index)
        self.condition.blockSignals(False)
        self.browse.set_condition(self.condition.currentData(), self.condition.currentText())
        self.browse.model.set_slugs(comparison)
        self.stack.setCurrentWidget(self.browse)

    def _on_condition_changed(self, _index: int) -> None:
        if self.browse is None:
            self.show_browse(self.condition.currentData(), [])
        else:
            self.browse.set_condition(self.condition.currentData(), self.condition.currentText())
            self.stack.setCurrentWidget(self.browse)

    def start_over(self) -> None:
        """Back to the welcome screen; everything browsed is forgotten (idle or by hand)."""
        self._close_dialog()
        if self.browse is not None:
            self.stack.removeWidget(self.browse)
            self.browse.deleteLater()
            self.browse = None
        self.condition.blockSignals(True)
        self.condition.setCurrentIndex(0)
        self.condition.blockSignals(False)
        self.stack.setCurrentWidget(self.welcome)
        self.idle_watch.touch()

    # --- dialogs ---------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> None:
        self._close_dialog()
        dialog.setFont(self.font())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog = dialog
        dialog.open()

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            with contextlib.suppress(RuntimeError):  # already deleted
                dialog.close()

    def show_details(self, slug: str) -> None:
        from explorer.ui.comparison.detail_dialog import TreatmentDetailDialog

        treatment = self._resolve(slug)
        if treatment is None:
            return
        names = {c.slug: c.plain_name for c in self.snapshot.conditions}
        dialog = TreatmentDetailDialog(
            treatment, names, plain=True, kb_version=self.snapshot.info.kb_version, parent=self
        )
        dialog.browser.setHtml(
            dialog.html() + words_used_html(dialog.html(), self.snapshot.glossary)
        )
        self._open(dialog)

    def _show_provenance(self, body: str) -> None:
        from explorer.ui.comparison.provenance import ProvenanceDialog

        self._open(ProvenanceDialog("Where this comes from", body, self))

    def ask_to_leave(self) -> None:
        dialog = PinDialog(
            "End patient mode",
            "For staff: enter the clinician PIN to go back to the clinician's screen.",
            self._leave_check,
            setting=False,
            button_text="&End patient mode",
            parent=self,
        )
        dialog.accepted.connect(self._leave)
        self._open(dialog)
        dialog.form.pin.setFocus()

    def _leave(self) -> None:
        self._leaving = True
        self.idle_watch.stop()
        self.close()
        self.sig_left.emit()

    def closeEvent(self, event) -> None:
        if not self._leaving:
            event.ignore()  # Alt+F4 and the like: only the PIN ends patient mode
            self.ask_to_leave()
            return
        self._close_dialog()
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._close_dialog()
            return
        super().keyPressEvent(event)


class _BrowsePage(QWidget):
    """The catalog beside the shared pages in plain words (with the words the comparison
    uses explained). Made anew after every "start over"."""

    sig_details = Signal(str)
    sig_provenance = Signal(str)

    def __init__(self, window: PatientWindow) -> None:
        super().__init__(window)
        from explorer.ui.comparison.catalog_panel import CatalogPanel
        from explorer.ui.window.pages import PagesWidget
        from explorer.ui.window.wording import WordingModel

        snapshot = window.snapshot
        self.wording = WordingModel.fixed_plain(self)
        self.catalog = CatalogPanel(self)
        self.catalog.model.set_treatments(list(snapshot.treatments), snapshot.glossary)
        self.wording.subscribe(self.catalog.model.set_plain)
        self.catalog.set_simple(True)
        self.tabs = PagesWidget(self.wording, patient=True, parent=self)
        self.tabs.set_knowledge(snapshot, window._resolve)
        # The pages by name, as in the clinician's window.
        self.model = self.tabs.comparison_model
        self.comparison = self.tabs.comparison
        self.words = self.tabs.words
        self.charts = self.tabs.charts
        self.pathway = self.tabs.pathway
        self.glossary = self.tabs.glossary
        self.faq = self.tabs.faq
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.catalog)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        chars = self.fontMetrics().averageCharWidth()
        splitter.setSizes([34 * chars, 130 * chars])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.catalog.sig_add_requested.connect(self.tabs.add_slugs)
        self.tabs.sig_details_requested.connect(self.sig_details)
        self.tabs.sig_provenance.connect(self.sig_provenance)

    def set_condition(self, slug: str | None, name: str) -> None:
        self.catalog.set_condition(slug, None if slug is None else name)
        self.tabs.set_condition(slug, name)
