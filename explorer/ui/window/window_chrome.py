"""What the main window shows around its pages: actions and their shortcuts, the toolbar,
the menus, the status bar and the keyboard order. :func:`build` adds them to a window whose
panels exist; the actions are the window's attributes (``window.plain_action`` …), the slots
its methods and its controllers'.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6 import QtGui, QtWidgets
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from explorer.ui.window.main_window import MainWindow


def build(window: MainWindow) -> None:
    """Add the actions, toolbar, menus, status bar and tab order to ``window``."""
    _actions(window)
    _toolbar(window)
    _menus(window)
    _status_bar(window)
    _tab_order(window)


def _action(
    window: MainWindow, text: str, slot, shortcut=None, *, checkable: bool = False
) -> QAction:
    action = QtGui.QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QtGui.QKeySequence(shortcut))
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def _actions(window: MainWindow) -> None:
    _file_actions(window)
    _view_actions(window)


def _file_actions(window: MainWindow) -> None:
    """File: reports, patient mode, the clinic's lock, audit log and backups."""
    K = QtGui.QKeySequence.StandardKey
    window.print_action = _action(
        window, "&Print comparison…", window.reports.print_comparison, K.Print
    )
    window.preview_action = _action(window, "Print pre&view…", window.reports.preview_comparison)
    window.export_clinician_action = _action(
        window,
        "&Export clinician summary (PDF)…",
        lambda: window.reports.export_pdf("clinician"),
        "Ctrl+E",
    )
    window.export_patient_action = _action(
        window, "Export patient &handout (PDF)…", lambda: window.reports.export_pdf("patient")
    )
    window.quit_action = _action(window, "&Quit", window.close, K.Quit)
    window.patient_mode_action = _action(
        window, "&Patient mode", window.enter_patient_mode, "Ctrl+Shift+P"
    )
    window.patient_mode_action.setToolTip(
        "Full screen, plain language, nothing of other patients; the PIN ends it"
    )
    window.lock_action = _action(window, "&Lock consult notes", window.lock_clinician, "Ctrl+L")
    window.audit_action = _action(window, "&Audit log…", window.show_audit_log)
    window.backup_action = _action(window, "&Back up now", window.backups.back_up_now)
    window.backup_action.setToolTip("Make a verified copy of the consults and notes now")
    window.restore_action = _action(
        window, "&Restore from backup…", window.backups.restore_from_backup
    )


def _view_actions(window: MainWindow) -> None:
    """Edit, View, Comparison and Help, and Ctrl+1… for the tabs."""
    K = QtGui.QKeySequence.StandardKey
    window.find_action = _action(window, "&Find treatment", window.focus_search, K.Find)
    window.preferences_action = _action(
        window, "&Preferences…", window.edit_preferences, K.Preferences
    )
    window.plain_action = _action(
        window, "&Plain language", window._on_plain_toggled, "Ctrl+Shift+L", checkable=True
    )
    window.plain_action.setToolTip("Switch between clinician and plain-language wording")
    window.highlight_action = _action(
        window, "&Highlight differences", window.comparison.highlight.setChecked, checkable=True
    )
    window.highlight_action.setChecked(True)
    window.add_action = _action(
        window, "&Add to comparison", window._on_add_selected, "Ctrl+Return"
    )
    window.remove_action = _action(
        window, "&Remove from comparison", window.comparison.remove_current, "Ctrl+Backspace"
    )
    window.left_action = _action(
        window, "Move &left", lambda: window.comparison.move_current(-1), "Ctrl+Shift+Left"
    )
    window.right_action = _action(
        window, "Move &right", lambda: window.comparison.move_current(1), "Ctrl+Shift+Right"
    )
    window.details_action = _action(
        window, "Treatment &details…", window._on_details_current, "Ctrl+I"
    )
    window.baseline_action = _action(
        window, "Add &watchful waiting (baseline)", window.add_baseline, "Ctrl+B"
    )
    window.clear_action = _action(window, "&Clear comparison", window.comparison_model.clear)
    window.help_action = _action(window, "&Help", window.show_help, K.HelpContents)
    window.disclaimer_action = _action(window, "&Disclaimer", window.show_disclaimer)
    window.about_action = _action(window, "&About this knowledge base", window.show_about)
    window.tab_actions = [
        _action(window, name, lambda _=False, i=i: window.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
        for i, name in enumerate(
            ("&Comparison", "C&harts", "Co&nsult", "Care &pathway", "&Glossary", "&FAQ")
        )
    ]


def _toolbar(window: MainWindow) -> None:
    toolbar = QtWidgets.QToolBar("Main", window)
    toolbar.setObjectName("MainToolbar")
    toolbar.setMovable(False)
    label = QLabel("C&ondition:", window)
    label.setContentsMargins(8, 0, 6, 0)
    label.setBuddy(window.condition)
    toolbar.addWidget(label)
    toolbar.addWidget(window.condition)
    toolbar.addSeparator()
    toolbar.addAction(window.plain_action)
    toolbar.addAction(window.baseline_action)
    toolbar.addAction(window.print_action)
    toolbar.addSeparator()
    toolbar.addAction(window.patient_mode_action)
    window.addToolBar(toolbar)


def _menus(window: MainWindow) -> None:
    bar = window.menuBar()
    menus = {
        "&File": [
            window.export_clinician_action,
            window.export_patient_action,
            None,
            window.print_action,
            window.preview_action,
            None,
            window.lock_action,
            window.audit_action,
            None,
            window.backup_action,
            window.restore_action,
            None,
            window.quit_action,
        ],
        "&Edit": [window.find_action, None, window.preferences_action],
        "&View": [
            window.patient_mode_action,
            window.plain_action,
            window.highlight_action,
            None,
            *window.tab_actions,
        ],
        "Co&mparison": [
            window.add_action,
            window.remove_action,
            window.left_action,
            window.right_action,
            None,
            window.details_action,
            window.baseline_action,
            window.clear_action,
        ],
        "&Help": [window.help_action, window.disclaimer_action, window.about_action],
    }
    for title, actions in menus.items():
        menu = bar.addMenu(title)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)


def _status_bar(window: MainWindow) -> None:
    window._version_label = QLabel("", window)
    disclaimer = QtWidgets.QPushButton("Disclaimer", window)
    disclaimer.setFlat(True)
    disclaimer.setAccessibleName("Show disclaimer")
    disclaimer.clicked.connect(window.show_disclaimer)
    window.statusBar().addPermanentWidget(window._version_label)
    if window.backend.uses_server:  # several PCs: say which server, always in sight
        shared = QLabel(f"Shared: {window.backend.describe()}", window)
        shared.setAccessibleName("Database in use")
        window.statusBar().addPermanentWidget(shared)
    window.statusBar().addPermanentWidget(disclaimer)


def _tab_order(window: MainWindow) -> None:
    chain = [
        window.condition,
        window.catalog.search,
        window.catalog.min_certainty,
        window.catalog.approach,
        window.catalog.invasiveness,
        window.catalog.view,
        window.catalog.add_button,
        window.tabs,
        window.comparison.remove_button,
        window.comparison.left_button,
        window.comparison.right_button,
        window.comparison.details_button,
        window.comparison.highlight,
        window.comparison.baseline_button,
        window.comparison.view,
    ]
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)
