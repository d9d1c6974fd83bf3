"""The explorer window: condition first, catalog with filters, side-by-side comparison.

The shell (title, size, "Loading…") paints at once; :meth:`MainWindow.build` adds the
panels, menus and toolbar right after the first paint, and
:meth:`MainWindow.show_knowledge` fills them when the knowledge base has loaded on a
worker thread. The panel modules are imported inside :meth:`build` for the same reason.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from explorer.ui.backup_actions import BackupActions
from explorer.ui.report_actions import ReportActions
from explorer.ui.settings import UiSettings
from explorer.ui.style import as_is

if TYPE_CHECKING:  # SQLAlchemy loads after the first paint, with the data
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QAction

    from explorer.domain.models import ExplorerSnapshot
    from explorer.services.explorer_data import KnowledgeService
    from explorer.store.backend import Backend

# Qt classes the shell does not need are reached as QtWidgets.X / QtGui.X when used:
# PySide6 creates a class on first use, and each one costs start-up time.

ALL_CONDITIONS = "All conditions"


class MainWindow(ReportActions, BackupActions, QMainWindow):
    """Top-level window. ``sig_ready`` fires once the data is shown and the comparison restored.

    Printing and export live in :class:`ReportActions`; the clinic database, the clinician
    lock, consults and patient mode in :class:`ClinicModeController` (``self.clinic``);
    service calls that may wait for a database in :class:`Operations`; backups, restores
    and the offers made when a database cannot be opened in :class:`BackupActions`.
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
        self._names: dict[str, str] = {}
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
        from explorer.ui.catalog_panel import CatalogPanel
        from explorer.ui.charts_panel import ChartsPanel
        from explorer.ui.comparison_model import ComparisonTableModel
        from explorer.ui.comparison_panel import ComparisonPanel
        from explorer.ui.consult_panel import ConsultPanel
        from explorer.ui.reference_views import FaqView, GlossaryView, PathwayView

        self.comparison_model = ComparisonTableModel(parent=self)
        self.catalog = CatalogPanel(self)
        self.comparison = ComparisonPanel(self.comparison_model, self)
        self.pathway = PathwayView(self)
        self.glossary = GlossaryView(self)
        self.faq = FaqView(self)
        self.charts = ChartsPanel(self)
        self.consult = ConsultPanel(self)
        self._build_clinic_controller()
        self._build_backup()
        self.tabs = QtWidgets.QTabWidget(self)
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(self.comparison, "&Comparison")
        self.tabs.addTab(self.charts, "C&harts")
        self.tabs.addTab(self.consult_tab, "Co&nsult")
        self.tabs.addTab(self.pathway, "Care &pathway")
        self.tabs.addTab(self.glossary, "&Glossary")
        self.tabs.addTab(self.faq, "&FAQ")
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
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self._set_tab_order()
        if self.settings.window_state is not None:
            self.restoreState(self.settings.window_state)

    # --- construction --------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, *, checkable: bool = False) -> QAction:
        action = QtGui.QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QtGui.QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QtGui.QKeySequence.StandardKey
        self.print_action = self._action("&Print comparison…", self.print_comparison, K.Print)
        self.preview_action = self._action("Print pre&view…", self.preview_comparison)
        self.export_clinician_action = self._action(
            "&Export clinician summary (PDF)…", lambda: self.export_pdf("clinician"), "Ctrl+E"
        )
        self.export_patient_action = self._action(
            "Export patient &handout (PDF)…", lambda: self.export_pdf("patient")
        )
        self.quit_action = self._action("&Quit", self.close, K.Quit)
        self.patient_mode_action = self._action(
            "&Patient mode", self.enter_patient_mode, "Ctrl+Shift+P"
        )
        self.patient_mode_action.setToolTip(
            "Full screen, plain language, nothing of other patients; the PIN ends it"
        )
        self.lock_action = self._action("&Lock consult notes", self.lock_clinician, "Ctrl+L")
        self.audit_action = self._action("&Audit log…", self.show_audit_log)
        self.backup_action = self._action("&Back up now", self.back_up_now)
        self.backup_action.setToolTip("Make a verified copy of the consults and notes now")
        self.restore_action = self._action("&Restore from backup…", self.restore_from_backup)
        self.find_action = self._action("&Find treatment", self.focus_search, K.Find)
        self.preferences_action = self._action(
            "&Preferences…", self.edit_preferences, K.Preferences
        )
        self.plain_action = self._action(
            "&Plain language", self._on_plain_toggled, "Ctrl+Shift+L", checkable=True
        )
        self.plain_action.setToolTip("Switch between clinician and plain-language wording")
        self.highlight_action = self._action(
            "&Highlight differences", self.comparison.highlight.setChecked, checkable=True
        )
        self.highlight_action.setChecked(True)
        self.add_action = self._action("&Add to comparison", self._on_add_selected, "Ctrl+Return")
        self.remove_action = self._action(
            "&Remove from comparison", self.comparison.remove_current, "Ctrl+Backspace"
        )
        self.left_action = self._action(
            "Move &left", lambda: self.comparison.move_current(-1), "Ctrl+Shift+Left"
        )
        self.right_action = self._action(
            "Move &right", lambda: self.comparison.move_current(1), "Ctrl+Shift+Right"
        )
        self.details_action = self._action(
            "Treatment &details…", self._on_details_current, "Ctrl+I"
        )
        self.baseline_action = self._action(
            "Add &watchful waiting (baseline)", self.add_baseline, "Ctrl+B"
        )
        self.clear_action = self._action("&Clear comparison", self.comparison_model.clear)
        self.help_action = self._action("&Help", self.show_help, K.HelpContents)
        self.disclaimer_action = self._action("&Disclaimer", self.show_disclaimer)
        self.about_action = self._action("&About this knowledge base", self.show_about)
        self.tab_actions = [
            self._action(name, lambda _=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
            for i, name in enumerate(
                ("&Comparison", "C&harts", "Co&nsult", "Care &pathway", "&Glossary", "&FAQ")
            )
        ]

    def _build_toolbar(self) -> None:
        toolbar = QtWidgets.QToolBar("Main", self)
        toolbar.setObjectName("MainToolbar")
        toolbar.setMovable(False)
        label = QLabel("C&ondition:", self)
        label.setContentsMargins(8, 0, 6, 0)
        label.setBuddy(self.condition)
        toolbar.addWidget(label)
        toolbar.addWidget(self.condition)
        toolbar.addSeparator()
        toolbar.addAction(self.plain_action)
        toolbar.addAction(self.baseline_action)
        toolbar.addAction(self.print_action)
        toolbar.addSeparator()
        toolbar.addAction(self.patient_mode_action)
        self.addToolBar(toolbar)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        menus = {
            "&File": [
                self.export_clinician_action,
                self.export_patient_action,
                None,
                self.print_action,
                self.preview_action,
                None,
                self.lock_action,
                self.audit_action,
                None,
                self.backup_action,
                self.restore_action,
                None,
                self.quit_action,
            ],
            "&Edit": [self.find_action, None, self.preferences_action],
            "&View": [
                self.patient_mode_action,
                self.plain_action,
                self.highlight_action,
                None,
                *self.tab_actions,
            ],
            "Co&mparison": [
                self.add_action,
                self.remove_action,
                self.left_action,
                self.right_action,
                None,
                self.details_action,
                self.baseline_action,
                self.clear_action,
            ],
            "&Help": [self.help_action, self.disclaimer_action, self.about_action],
        }
        for title, actions in menus.items():
            menu = bar.addMenu(title)
            for action in actions:
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)

    def _build_status_bar(self) -> None:
        self._version_label = QLabel("", self)
        disclaimer = QtWidgets.QPushButton("Disclaimer", self)
        disclaimer.setFlat(True)
        disclaimer.setAccessibleName("Show disclaimer")
        disclaimer.clicked.connect(self.show_disclaimer)
        self.statusBar().addPermanentWidget(self._version_label)
        if self.backend.uses_server:  # several PCs: say which server, always in sight
            shared = QLabel(f"Shared: {self.backend.describe()}", self)
            shared.setAccessibleName("Database in use")
            self.statusBar().addPermanentWidget(shared)
        self.statusBar().addPermanentWidget(disclaimer)

    def _connect(self) -> None:
        self.condition.currentIndexChanged.connect(self._on_condition_changed)
        self.catalog.sig_add_requested.connect(self.add_to_comparison)
        self.comparison.sig_link_activated.connect(self._on_link_activated)
        self.comparison.sig_cell_activated.connect(self._on_cell_activated)
        self.comparison.sig_details_requested.connect(self.show_details)
        self.comparison.sig_baseline_requested.connect(self.add_baseline)
        self.comparison.highlight.toggled.connect(self.highlight_action.setChecked)
        self.comparison_model.sig_comparison_changed.connect(self._on_comparison_changed)
        self.comparison_model.sig_refused.connect(
            lambda message: self.statusBar().showMessage(message, 6000)
        )
        self.splitter.splitterMoved.connect(self._save_splitter)
        self.pathway.sig_treatment_clicked.connect(self.show_details)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.consult.new_button.clicked.connect(self.start_consult)
        self.consult.clinician.textEdited.connect(self._set_clinician)
        self.charts.sig_provenance.connect(self._on_chart_provenance)
        self.glossary.sig_treatment_clicked.connect(self.show_details)

    def _set_tab_order(self) -> None:
        chain = [
            self.condition,
            self.catalog.search,
            self.catalog.min_certainty,
            self.catalog.approach,
            self.catalog.invasiveness,
            self.catalog.view,
            self.catalog.add_button,
            self.tabs,
            self.comparison.remove_button,
            self.comparison.left_button,
            self.comparison.right_button,
            self.comparison.details_button,
            self.comparison.highlight,
            self.comparison.baseline_button,
            self.comparison.view,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- loading ---------------------------------------------------------------------------
    def show_knowledge(self, service: KnowledgeService, snapshot: ExplorerSnapshot) -> None:
        """Fill the window from a loaded knowledge base and restore the last session."""
        self.build()
        self.service, self.snapshot = service, snapshot
        self._names = {t.slug: t.name for t in snapshot.treatments}
        condition_names = {c.slug: c.name for c in snapshot.conditions}
        self.comparison_model.set_resolver(service.treatment)
        self.comparison_model.set_condition_names(
            condition_names, {c.slug: c.plain_name for c in snapshot.conditions}
        )
        self.catalog.model.set_treatments(list(snapshot.treatments), snapshot.glossary)
        self.pathway.set_steps(snapshot.pathway, self._names)
        self.glossary.set_entries(snapshot.glossary, self._names)
        self.faq.set_entries(snapshot.faq)
        self.charts.set_kb_version(snapshot.info.kb_version)
        self.charts.set_statistics(snapshot.statistics)
        self.condition.blockSignals(True)
        for c in snapshot.conditions:
            self.condition.addItem(c.name, c.slug)
        saved = self.settings.condition
        self.condition.setCurrentIndex(max(0, self.condition.findData(saved)) if saved else 0)
        self.condition.blockSignals(False)
        self.condition.setEnabled(True)
        self._apply_condition()
        plain = self.settings.plain
        self.plain_action.setChecked(plain)
        self._apply_plain(plain)
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
        from explorer.ui.preferences import PreferencesDialog

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
        from explorer.ui.access import PinDialog

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
        added = self.comparison_model.add_slugs(slugs)
        if added:
            self.comparison.select_column(self.comparison_model.columnCount() - 1)
            self.tabs.setCurrentWidget(self.comparison)

    def add_baseline(self) -> None:
        from explorer.domain.comparison import BASELINE_SLUG

        self.add_to_comparison([BASELINE_SLUG])

    def _on_add_selected(self) -> None:
        self.add_to_comparison(self.catalog.selected_slugs())

    def _on_details_current(self) -> None:
        column = self.comparison.current_column()
        if column >= 0:
            self.show_details(self.comparison_model.treatment(column).slug)

    def show_details(self, slug: str) -> None:
        from explorer.ui.detail_dialog import TreatmentDetailDialog

        if self.service is None or (treatment := self.service.treatment(slug)) is None:
            return
        names = {c.slug: c.name for c in self.snapshot.conditions} if self.snapshot else {}
        dialog = TreatmentDetailDialog(
            treatment,
            names,
            plain=self.plain_action.isChecked(),
            kb_version=self._kb_version(),
            plain_condition_names={c.slug: c.plain_name for c in self.snapshot.conditions}
            if self.snapshot
            else None,
            parent=self,
        )
        self._open(dialog)

    def _kb_version(self) -> str | None:
        return self.snapshot.info.kb_version if self.snapshot else None

    def _open(self, dialog: QWidget) -> None:
        self._dialog = dialog
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_provenance(self, row: int, column: int, piece: int | None = None) -> None:
        """Show where the content of one cell (or one piece of it) comes from."""
        from explorer.ui.provenance import ProvenanceDialog, cell_provenance_html

        body = cell_provenance_html(self.comparison_model, row, column, piece, self._kb_version())
        if body is not None:
            self._open(ProvenanceDialog("Where this comes from", body, self))

    def _on_link_activated(self, _index: QModelIndex, href: str) -> None:
        from explorer.ui.cell_html import parse_anchor

        parsed = parse_anchor(href)
        if parsed is not None:
            self.open_provenance(*parsed)

    def _on_cell_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_provenance(index.row(), index.column())

    def _on_condition_changed(self, _index: int) -> None:
        self._apply_condition()
        self.settings.condition = self.condition.currentData()

    def _apply_condition(self) -> None:
        slug = self.condition.currentData()
        self.catalog.set_condition(slug, None if slug is None else self.condition.currentText())
        self.comparison_model.set_condition(slug)
        self._update_caption()
        self.comparison.fit_columns()
        self._update_charts()

    def _update_charts(self) -> None:
        """Charts follow the condition and the comparison live (once they exist)."""
        slug = self.condition.currentData()
        name = None if slug is None else self.condition.currentText()
        self.charts.set_comparison(self.comparison_model.treatments(), slug, name)

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.charts and not self.charts.built:
            self.charts.ensure_built()  # imports pyqtgraph: only when a chart is wanted
        if self.tabs.widget(index) is self.consult_tab:
            self.clinic.open_later()

    def _on_chart_provenance(self, context: str, sources: list) -> None:
        from explorer.ui.provenance import ProvenanceDialog, provenance_html

        body = provenance_html(sources, context=context, kb_version=self._kb_version())
        self._open(ProvenanceDialog("Where this comes from", body, self))

    def _update_caption(self) -> None:
        slug = self.condition.currentData()
        name = None if slug is None else self.condition.currentText()
        if slug is not None and self.plain_action.isChecked() and self.snapshot is not None:
            plain = {c.slug: c.plain_name for c in self.snapshot.conditions}
            name = plain.get(slug, name)
        self.comparison.set_caption(name)

    def _on_plain_toggled(self, plain: bool) -> None:
        self._apply_plain(plain)
        self.settings.plain = plain

    def _apply_plain(self, plain: bool) -> None:
        self.catalog.model.set_plain(plain)
        self.comparison_model.set_plain(plain)
        self.pathway.set_plain(plain)
        self.glossary.set_plain(plain)
        self.faq.set_plain(plain)
        self.charts.set_plain(plain)
        self._update_caption()
        self.comparison.schedule_row_heights()

    def _on_comparison_changed(self, slugs: list[str]) -> None:
        self.settings.comparison = slugs
        self.pathway.set_compared(slugs)
        self._update_charts()
        count = len(slugs)
        self.statusBar().showMessage(
            f"{count} treatment{'s' if count != 1 else ''} in the comparison", 3000
        )

    def _save_splitter(self, *_args) -> None:
        self.settings.splitter = self.splitter.saveState()

    # --- clinic mode: ClinicModeController ----------------------------------------------------
    def _build_clinic_controller(self) -> None:
        from explorer.ui.clinic_mode import ClinicModeController
        from explorer.ui.operations import Operations

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
        self.clinic.sig_opened.connect(self.start_daily_backup)  # on a worker thread
        self.clinic.sig_restore_offered.connect(self.offer_restore)
        self.clinic.sig_clinician_named.connect(self._set_clinician)
        self.clinic.sig_patient_mode.connect(self._show_for_patient_mode)

    def _show_status(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _open_clinic_dialog(self, dialog: QWidget) -> None:
        from explorer.ui.access import PinDialog

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
        from explorer.ui.patient_window import PatientWindow

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

    def _clinician_name(self) -> str:
        return self.clinic.clinician_name()

    # --- help --------------------------------------------------------------------------------
    def show_help(self) -> None:
        QtWidgets.QMessageBox.information(
            self,
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

    def show_disclaimer(self) -> None:
        text = (
            self.snapshot.info.disclaimer
            if self.snapshot
            else "The knowledge base is still loading."
        )
        QtWidgets.QMessageBox.information(self, "Disclaimer", as_is(text))

    def show_about(self) -> None:
        if self.snapshot is None:
            return
        i = self.snapshot.info
        QtWidgets.QMessageBox.information(
            self,
            "About this knowledge base",
            as_is(
                f"{i.title}\nVersion {i.kb_version}, last reviewed {i.last_reviewed}\n"
                f"Evidence current to: {i.evidence_current_to}\n\nUpdate policy: {i.update_policy}"
                f"\n\nFunding: {i.funding}\n\nConflicts of interest: {i.conflicts_of_interest}\n\n"
                f"Reading level: {i.reading_level}\n\n"
                f"Database in use: {self.backend.describe()}"
            ),
        )

    def closeEvent(self, event) -> None:
        if self._built and self.patient_window is not None:
            event.ignore()  # patient mode ends with the PIN, not by closing a hidden window
            return
        if self._built:
            from explorer.ui.unsaved_consult import may_close

            self.consult.save_now()  # (a text hidden by the lock is not saved: asked below)
            if not may_close(self, self.consult, self.unlocked):
                event.ignore()
                return
            self.idle_watch.stop()
            self.wait_for_backup()
            self.operations.wait()  # saves and audit writes still queued end first (bounded)
            self.clinic.close_database()
            self.operations.shutdown()  # what is still running is waited for, its result dropped
        self.settings.geometry = self.saveGeometry()
        if self._built:
            self.settings.window_state = self.saveState()
            self.settings.splitter = self.splitter.saveState()
        self.settings.sync()
        super().closeEvent(event)
