"""The explorer window: condition first, catalog with filters, side-by-side comparison.

The shell (title, size, "Loading…") paints at once; :meth:`MainWindow.build` adds the
panels, menus and toolbar right after the first paint, and
:meth:`MainWindow.show_knowledge` fills them when the knowledge base has loaded on a
worker thread. The panel modules are imported inside :meth:`build` for the same reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from explorer.ui.window.settings import UiSettings
from explorer.ui.window.style import as_is

if TYPE_CHECKING:  # SQLAlchemy loads after the first paint, with the data
    from explorer.domain.models import ExplorerSnapshot
    from explorer.services.explorer_data import KnowledgeService
    from explorer.store.backend import Backend

# Qt classes the shell does not need are reached as QtWidgets.X / QtGui.X when used:
# PySide6 creates a class on first use, and each one costs start-up time.

ALL_CONDITIONS = "All conditions"


class MainWindow(QMainWindow):
    """Top-level window. ``sig_ready`` fires once the data is shown and the comparison restored.

    The pages are a :class:`~explorer.ui.window.pages.PagesWidget` following :attr:`wording`;
    printing and export are :attr:`reports` (a
    :class:`~explorer.ui.files.report_controller.ReportController`); backups, restores and the
    offers made when a database cannot be opened are :attr:`backups` (a
    :class:`~explorer.ui.files.backup_controller.BackupController`); the clinic database, the
    clinician lock, consults and patient mode are :attr:`clinic` (a
    :class:`~explorer.ui.clinic.clinic_mode.ClinicModeController`); service calls that may wait
    for a database run through :attr:`operations`.
    """

    sig_ready = Signal()

    def __init__(
        self, settings: UiSettings | None = None, *, build: bool = True, backend: Backend
    ) -> None:
        super().__init__()
        self.setWindowTitle("Spine Treatment Explorer")
        self.setObjectName("MainWindow")
        self.settings = settings or UiSettings()
        self.service: KnowledgeService | None = None
        self.snapshot: ExplorerSnapshot | None = None
        self._dialog: QWidget | None = None
        self._built = False
        self.backend = backend  # the data folder or the server, chosen at start-up
        self.data_dir = backend.data_dir
        self.pin_dialog: QWidget | None = None
        # The shell's first frame is the bare window: no Qt enums (the Qt namespace alone
        # costs ~30 ms to load) and no child widget (the first one polishes the style and
        # loads the fonts, ~40 ms). build() adds "Loading…" and the panels right after it.
        self.resize(1280, 720)
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)
        if build:
            self.build()

    def build(self) -> None:
        """Create the panels, actions, menus and toolbar (once)."""
        if self._built:
            return
        self._built = True
        self._loading = QLabel("Loading the knowledge base…", self)
        self._loading.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self._loading.setWordWrap(True)
        self._loading.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # messages name files
        from explorer.ui.clinic.consult_panel import ConsultPanel
        from explorer.ui.comparison.catalog_panel import CatalogPanel
        from explorer.ui.window.pages import PagesWidget
        from explorer.ui.window.wording import WordingModel

        self.wording = WordingModel(parent=self)  # set from the settings with the data
        self.catalog = CatalogPanel(self)
        self.wording.subscribe(self.catalog.model.set_plain)
        self.tabs = PagesWidget(self.wording, parent=self)
        self.comparison_model = self.tabs.comparison_model
        self.comparison, self.charts = self.tabs.comparison, self.tabs.charts
        self.pathway, self.glossary, self.faq = self.tabs.pathway, self.tabs.glossary, self.tabs.faq
        self.consult = ConsultPanel(self)
        self._build_clinic_controller()
        self._build_controllers()
        self.tabs.insertTab(2, self.consult_tab, "Co&nsult")  # clinician only
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.addWidget(self.catalog)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        chars = self.fontMetrics().averageCharWidth()
        self.splitter.setSizes([56 * chars, 120 * chars])

        self.takeCentralWidget()
        self._stack = QtWidgets.QStackedWidget(self)
        self._stack.addWidget(self._loading)
        self._stack.addWidget(self.splitter)
        self.setCentralWidget(self._stack)

        self.condition = QtWidgets.QComboBox(self)
        self.condition.setAccessibleName("Condition")
        self.condition.setMinimumContentsLength(28)
        self.condition.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.condition.addItem(ALL_CONDITIONS, None)
        self.condition.setEnabled(False)
        from explorer.ui.window import window_chrome

        window_chrome.build(self)
        self._connect()
        if self.settings.window_state is not None:
            self.restoreState(self.settings.window_state)

    # --- construction --------------------------------------------------------------------
    def _build_controllers(self) -> None:
        from explorer.ui.files.backup_controller import BackupController
        from explorer.ui.files.report_controller import ReportController

        self.backups = BackupController(
            self,
            backend=self.backend,
            settings=self.settings,
            operations=self.operations,
            clinic=self.clinic,
        )
        self.reports = ReportController(
            self, pages=self.tabs, consult=self.consult, settings=self.settings
        )
        for controller in (self.backups, self.reports):
            controller.sig_status.connect(self.statusBar().showMessage)
            controller.sig_dialog.connect(self._open)
        self.backups.sig_loading_text.connect(self._loading.setText)
        self.backups.sig_knowledge_loaded.connect(self.show_knowledge)
        self.backups.sig_knowledge_failed.connect(self.show_error)
        self.clinic.sig_opened.connect(self.backups.start_daily)  # through the operations
        self.clinic.sig_restore_offered.connect(self.backups.offer_restore)

    def _connect(self) -> None:
        self.condition.currentIndexChanged.connect(self._on_condition_changed)
        self.catalog.sig_add_requested.connect(self.add_to_comparison)
        self.tabs.sig_added.connect(
            lambda: self.comparison.select_column(self.comparison_model.columnCount() - 1)
        )
        self.tabs.sig_details_requested.connect(self.show_details)
        self.tabs.sig_provenance.connect(self._show_provenance)
        self.tabs.sig_chart_provenance.connect(self._show_provenance)
        self.comparison.highlight.toggled.connect(self.highlight_action.setChecked)
        self.comparison_model.sig_comparison_changed.connect(self._on_comparison_changed)
        self.comparison_model.sig_refused.connect(
            lambda message: self.statusBar().showMessage(message, 6000)
        )
        self.splitter.splitterMoved.connect(self._save_splitter)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.consult.new_button.clicked.connect(self.start_consult)
        self.consult.clinician.textEdited.connect(self._set_clinician)

    # --- loading ---------------------------------------------------------------------------
    def show_knowledge(self, service: KnowledgeService, snapshot: ExplorerSnapshot) -> None:
        """Fill the window from a loaded knowledge base and restore the last session."""
        self.build()
        self.service, self.snapshot = service, snapshot
        self.tabs.set_knowledge(snapshot, service.treatment)
        self.catalog.model.set_treatments(list(snapshot.treatments), snapshot.glossary)
        self.condition.blockSignals(True)
        for c in snapshot.conditions:
            self.condition.addItem(c.name, c.slug)
        saved = self.settings.condition
        self.condition.setCurrentIndex(max(0, self.condition.findData(saved)) if saved else 0)
        self.condition.blockSignals(False)
        self.condition.setEnabled(True)
        self._apply_condition()
        self.plain_action.setChecked(self.settings.plain)
        self.wording.set_plain(self.settings.plain)
        self.comparison_model.set_slugs(self.settings.comparison)
        if self.settings.splitter is not None:
            self.splitter.restoreState(self.settings.splitter)
        self._stack.setCurrentWidget(self.splitter)
        info = snapshot.info
        self._version_label.setText(
            f"Knowledge base {info.kb_version} · reviewed {info.last_reviewed:%d %b %Y}"
        )
        self._version_label.setMinimumWidth(self._version_label.sizeHint().width())
        self.catalog.search.setFocus()
        QTimer.singleShot(0, self.sig_ready.emit)
        QTimer.singleShot(0, self.clinic.open_later)  # after the comparison is on screen

    def show_error(self, message: str) -> None:
        self.build()
        self._loading.setText(f"The knowledge base could not be opened.\n\n{message}")
        QtWidgets.QMessageBox.critical(self, "Spine Treatment Explorer", as_is(message))

    # --- actions -----------------------------------------------------------------------------
    def edit_preferences(self) -> None:
        """Clinic and clinician names, idle periods, the PIN (asks for the PIN when locked)."""
        self.with_unlock(self._edit_preferences_now, "change the preferences")

    def _edit_preferences_now(self) -> None:
        from explorer.ui.clinic.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self, database=self.backend.describe())
        dialog.change_pin.clicked.connect(self._change_pin)
        self._preferences = dialog
        accepted = dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted
        if accepted and self.unlocked:  # a lock while it was open closes it unapplied
            dialog.apply()
            self._set_clinician(self.settings.clinician)
            self.idle_watch.set_timeout(self.settings.clinician_lock_minutes * 60)

    def _set_clinician(self, name: str) -> None:
        self.clinic.set_clinician(name)

    def _change_pin(self) -> None:
        """The current PIN first (a PIN is never changed by whoever finds the window open)."""
        from explorer.ui.clinic.pin_lock import PinDialog

        if not self.unlocked:
            return
        current = PinDialog(
            "Change the clinician PIN",
            "Type the current PIN first.",
            self.clinic.check_submit("change the PIN"),
            setting=False,
            button_text="&Next",
            parent=self._preferences,
        )
        if current.exec() != QtWidgets.QDialog.DialogCode.Accepted or not self.unlocked:
            return
        dialog = PinDialog(
            "Change the clinician PIN",
            "Type the new PIN twice.",
            self.clinic.set_submit(),
            setting=True,
            button_text="&Set PIN",
            parent=self._preferences,
        )
        dialog.exec()

    def focus_search(self) -> None:
        self.catalog.search.setFocus()
        self.catalog.search.selectAll()

    def add_to_comparison(self, slugs: list[str]) -> None:
        self.tabs.add_slugs(slugs)

    def add_baseline(self) -> None:
        self.tabs.add_baseline()

    def _on_add_selected(self) -> None:
        self.add_to_comparison(self.catalog.selected_slugs())

    def _on_details_current(self) -> None:
        column = self.comparison.current_column()
        if column >= 0:
            self.show_details(self.comparison_model.treatment(column).slug)

    def show_details(self, slug: str) -> None:
        from explorer.ui.comparison.detail_dialog import TreatmentDetailDialog

        if self.service is None or (treatment := self.service.treatment(slug)) is None:
            return
        names = {c.slug: c.name for c in self.snapshot.conditions} if self.snapshot else {}
        dialog = TreatmentDetailDialog(
            treatment,
            names,
            plain=self.wording.plain,
            kb_version=self.tabs.kb_version(),
            plain_condition_names={c.slug: c.plain_name for c in self.snapshot.conditions}
            if self.snapshot
            else None,
            parent=self,
        )
        self._open(dialog)

    def _open(self, dialog: QWidget) -> None:
        self._dialog = dialog
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @property
    def current_dialog(self) -> QWidget | None:
        """The dialog or message box this window opened last (None before the first)."""
        return self._dialog

    # --- backups ------------------------------------------------------------------------
    def offer_rebuild(self, problem) -> None:
        """A damaged knowledge base (from the loader): say so and offer a rebuild."""
        self.build()
        self.backups.offer_rebuild(problem)

    def wait_for_backup(self) -> None:
        self.backups.wait()

    def open_provenance(self, row: int, column: int, piece: int | None = None) -> None:
        """Show where the content of one cell (or one piece of it) comes from."""
        body = self.tabs.cell_provenance(row, column, piece)
        if body is not None:
            self._show_provenance(body)

    def _show_provenance(self, body: str) -> None:
        from explorer.ui.comparison.provenance import ProvenanceDialog

        self._open(ProvenanceDialog("Where this comes from", body, self))

    def _on_condition_changed(self, _index: int) -> None:
        self._apply_condition()
        self.settings.condition = self.condition.currentData()

    def _apply_condition(self) -> None:
        slug = self.condition.currentData()
        self.catalog.set_condition(slug, None if slug is None else self.condition.currentText())
        self.tabs.set_condition(slug, self.condition.currentText())

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.consult_tab:
            self.clinic.open_later()

    def _on_plain_toggled(self, plain: bool) -> None:
        self.wording.set_plain(plain)
        self.settings.plain = plain

    def _on_comparison_changed(self, slugs: list[str]) -> None:
        self.settings.comparison = slugs
        count = len(slugs)
        self.statusBar().showMessage(
            f"{count} treatment{'s' if count != 1 else ''} in the comparison", 3000
        )

    def _save_splitter(self, *_args) -> None:
        self.settings.splitter = self.splitter.saveState()

    # --- clinic mode: ClinicModeController ----------------------------------------------------
    def _build_clinic_controller(self) -> None:
        from explorer.ui.clinic.clinic_mode import ClinicModeController
        from explorer.ui.window.operations import Operations

        self.operations = Operations(self)
        self.clinic = ClinicModeController(
            self,
            backend=self.backend,
            settings=self.settings,
            consult=self.consult,
            operations=self.operations,
        )
        self.consult_tab, self.consult_lock = self.clinic.consult_tab, self.clinic.consult_lock
        self.idle_watch = self.clinic.idle_watch
        self.clinic.sig_status.connect(self._show_status)
        self.clinic.sig_dialog.connect(self._open_clinic_dialog)
        self.clinic.sig_clinician_named.connect(self._set_clinician)
        self.clinic.sig_patient_mode.connect(self._show_for_patient_mode)

    def _show_status(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _open_clinic_dialog(self, dialog: QWidget) -> None:
        from explorer.ui.clinic.pin_lock import PinDialog

        if isinstance(dialog, PinDialog):
            self.pin_dialog = dialog
        self._open(dialog)

    def _show_for_patient_mode(self, patient: bool) -> None:
        if patient:
            self.hide()
        else:
            self.show()
            self.activateWindow()

    def enter_patient_mode(self) -> None:
        """One action: lock clinician mode, hide this window, show patient mode full screen."""
        if self.snapshot is not None and self.service is not None:
            self.clinic.enter_patient_mode(self._patient_window)

    def _patient_window(self, leave_check) -> QWidget:
        from explorer.ui.patient.patient_window import PatientWindow

        assert self.snapshot is not None and self.service is not None
        return PatientWindow(
            self.snapshot,
            self.service.treatment,
            leave_check=leave_check,
            idle_minutes=self.settings.patient_idle_minutes,
            condition=self.condition.currentData(),
            comparison=self.comparison_model.slugs(),
        )

    def start_consult(self) -> None:
        """New consult from the current comparison (asks for the PIN when locked)."""
        self.clinic.with_unlock(self._start_consult_now, "start a consult")

    def _start_consult_now(self) -> None:
        slug = self.condition.currentData()
        names = [t.name for t in self.comparison_model.treatments()]
        summary = f"{self.condition.currentText()} · " + (
            ", ".join(names) if names else "no treatments compared yet"
        )
        if not self.consult.clinician.text():
            self.consult.clinician.setText(self.settings.clinician)
        self.consult.start_from(slug, self.comparison_model.slugs(), summary)
        self.tabs.setCurrentWidget(self.consult_tab)

    # What the backup and report mixins (and tests) ask of clinician mode.
    @property
    def unlocked(self) -> bool:
        return self.clinic.unlocked

    @property
    def access(self):
        """The open clinic database's PIN service, or None while it is not open."""
        return None if self.clinic.session is None else self.clinic.session.access

    @property
    def audit(self):
        """The open clinic database's audit log, or None while it is not open."""
        return None if self.clinic.session is None else self.clinic.session.audit

    @property
    def patient_window(self):
        return self.clinic.patient_window if self._built else None

    @property
    def in_patient_mode(self) -> bool:
        return self.patient_window is not None

    def open_clinic(self) -> bool:
        """Open the clinic database now (waiting for it); whether it is open."""
        return self.clinic.open_now()

    def lock_clinician(self, reason: str = "by hand") -> None:
        if self._built:
            self.clinic.lock(reason)

    def with_unlock(self, action, purpose: str) -> None:
        self.clinic.with_unlock(action, purpose)

    def record_audit(self, action, detail: str = "") -> None:
        self.clinic.record_audit(action, detail)

    def show_audit_log(self) -> None:
        self.clinic.show_audit_log()

    # --- help --------------------------------------------------------------------------------
    def show_help(self) -> None:
        from explorer.ui.window import help_boxes

        help_boxes.show_help(self)

    def show_disclaimer(self) -> None:
        from explorer.ui.window import help_boxes

        help_boxes.show_disclaimer(self, self.snapshot)

    def show_about(self) -> None:
        from explorer.ui.window import help_boxes

        help_boxes.show_about(self, self.snapshot, self.backend)

    def closeEvent(self, event) -> None:
        if self._built and self.patient_window is not None:
            event.ignore()  # patient mode ends with the PIN, not by closing a hidden window
            return
        if self._built:
            from explorer.ui.clinic.unsaved_consult import may_close

            self.consult.save_now()  # (a text hidden by the lock is not saved: asked below)
            if not may_close(self, self.consult, self.unlocked):
                event.ignore()
                return
            self.idle_watch.stop()
            self.backups.wait()
            self.operations.wait()  # saves and audit writes still queued end first (bounded)
            self.clinic.close_database()
            self.operations.shutdown()  # what is still running is waited for, its result dropped
        self.settings.geometry = self.saveGeometry()
        if self._built:
            self.settings.window_state = self.saveState()
            self.settings.splitter = self.splitter.saveState()
        self.settings.sync()
        super().closeEvent(event)
