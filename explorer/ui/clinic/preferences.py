"""Edit → Preferences: names printed and recorded, idle periods, the clinician PIN."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from explorer.domain.text import TextKind
from explorer.ui.window.settings import UiSettings


def _minutes_box(value: float, parent: QWidget, name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(0.5, 240)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" min")
    box.setValue(value)
    box.setAccessibleName(name)
    return box


class PreferencesDialog(QDialog):
    """Changes nothing until :meth:`apply` (called when the dialog is accepted)."""

    def __init__(
        self, settings: UiSettings, parent: QWidget | None = None, *, database: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        self.clinic = QLineEdit(settings.clinic_name, self)
        self.clinic.setAccessibleName("Clinic name")
        self.clinic.setMaxLength(TextKind.LABEL.limit)
        self.clinician = QLineEdit(settings.clinician, self)
        self.clinician.setAccessibleName("Clinician name")
        self.clinician.setMaxLength(TextKind.LABEL.limit)
        self.lock_minutes = _minutes_box(
            settings.clinician_lock_minutes, self, "Lock consult notes after"
        )
        self.patient_minutes = _minutes_box(
            settings.patient_idle_minutes, self, "Patient mode starts over after"
        )
        self.change_pin = QPushButton("Change clinician &PIN…", self)
        form = QFormLayout(self)
        form.addRow("&Clinic name (printed on reports)", self.clinic)
        form.addRow("C&linician name (consults, audit log)", self.clinician)
        form.addRow("Lock consult notes after no use for", self.lock_minutes)
        form.addRow("Patient mode starts over after no use for", self.patient_minutes)
        form.addRow("", self.change_pin)
        # Read-only: the database is chosen with --database-url / EXPLORER_DATABASE_URL (or
        # the data folder), never stored in the settings file.
        self.database = QLineEdit(database, self)
        self.database.setReadOnly(True)
        self.database.setAccessibleName("Database in use")
        self.database.setCursorPosition(0)
        form.addRow("Database in use", self.database)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def apply(self) -> None:
        self.settings.clinic_name = self.clinic.text()  # cleaned by the settings
        self.settings.clinician = self.clinician.text()
        self.settings.clinician_lock_minutes = self.lock_minutes.value()
        self.settings.patient_idle_minutes = self.patient_minutes.value()
