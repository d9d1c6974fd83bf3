"""File → Export, Print and Print preview of the main window: one renderer for all three.

A report carries the open consult's notes only while clinician mode is unlocked (a locked
window has no consult open); each export or print of a consult is audited.
:class:`ReportController` reads the comparison from the pages and the consult from the
consult panel, and talks to the window through its ``sig_*`` signals.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import QObject, Signal

from explorer.ui.window.style import as_is

if TYPE_CHECKING:
    from explorer.ui.clinic.consult_panel import ConsultPanel
    from explorer.ui.window.pages import PagesWidget
    from explorer.ui.window.settings import UiSettings


class ReportController(QObject):
    """Print, preview and PDF export of the comparison (and the open consult).

    ``sig_status(text, ms)`` asks for a status bar message; ``sig_dialog(dialog)`` for a
    dialog to be opened by the window.
    """

    sig_status = Signal(str, int)
    sig_dialog = Signal(object)

    def __init__(
        self,
        window: QtWidgets.QWidget,
        *,
        pages: PagesWidget,
        consult: ConsultPanel,
        settings: UiSettings,
    ) -> None:
        super().__init__(window)
        self._window = window  # the parent of the dialogs
        self._pages = pages
        self.consult = consult
        self._settings = settings

    @property
    def snapshot(self):
        return self._pages.snapshot

    def report(self, variant: str):
        """The report of the current comparison, with the open consult if there is one."""
        from explorer.report.build import build_report

        assert self.snapshot is not None
        treatments = self._pages.comparison_model.treatments()
        condition = self._pages.comparison_model.condition
        consult = self.consult.current()
        if consult is None:
            return build_report(
                self.snapshot,
                treatments,
                condition,
                variant=variant,
                clinic_name=self._settings.clinic_name,
            )
        self.consult.save_now()
        return build_report(
            self.snapshot,
            treatments,
            condition,
            variant=variant,
            clinic_name=self._settings.clinic_name,
            notes=self.consult.notes_text(),
            patient_label=consult.patient_label,
            clinician=consult.clinician,
            priorities=[*consult.priority_words, consult.priorities_note]
            if consult.priorities_note
            else list(consult.priority_words),
            plan=consult.plan,
            review_date=consult.review_date,
            today=consult.consult_date,
        )

    def _audit_report(self, what: str) -> None:
        consult = self.consult.consult
        if consult is not None and self.consult.service is not None:
            self.consult.service.record_export(consult.id, what)

    def report_for(self, device):
        """The clinician report's arguments for :func:`explorer.report.pdf.paint_report`."""
        content, images = self.report("clinician")
        return content, device, images

    def print_comparison(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from explorer.report.pdf import paint_report

        if self.snapshot is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self._window)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            paint_report(*self.report_for(printer))
            self._audit_report("print")

    def preview_comparison(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from explorer.report.pdf import paint_report

        if self.snapshot is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintPreviewDialog(printer, self._window)
        dialog.paintRequested.connect(lambda device: paint_report(*self.report_for(device)))
        # Its Print button prints through the same signal, so the preview is audited as a
        # possible print when a consult is open.
        self._audit_report("print preview")
        self.sig_dialog.emit(dialog)

    def export_pdf(self, variant: str = "clinician"):
        """File → Export…: the clinician summary or the patient handout as PDF."""
        from explorer.errors import UserFacingError
        from explorer.report.build import export_pdf, suggested_file_name

        if self.snapshot is None:
            return None
        consult = self.consult.current()
        label = consult.patient_label if consult is not None else ""
        name = suggested_file_name(dt.date.today(), label, variant)
        chosen, _ = QtWidgets.QFileDialog.getSaveFileName(
            self._window, "Export PDF", str(Path.home() / name), "PDF document (*.pdf)"
        )
        if not chosen:
            return None
        path = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
        content, images = self.report(variant)
        try:
            pages = export_pdf(path, content, images)
        except UserFacingError as exc:
            QtWidgets.QMessageBox.warning(self._window, "Export failed", as_is(str(exc)))
            return None
        self._audit_report(f"{variant} PDF")
        self.sig_status.emit(f"Saved {path} ({pages} pages)", 8000)
        return path
