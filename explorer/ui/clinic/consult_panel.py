"""The consult workspace (clinician mode): start from the comparison, record what matters
to the patient, notes and plan; saved 2 s after the last keystroke and on every focus
change; history with search, reopen, follow-up and delete with undo.

Consult notes are health information: they live only in the clinic database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.consult import PRIORITIES, Consult, Decision
from explorer.domain.text import TextKind
from explorer.ui.clinic.consult_history import ConsultHistory
from explorer.ui.clinic.consult_saving import ConsultSaver

AUTOSAVE_MS = 2000


class ConsultPanel(QWidget):
    """Needs :meth:`set_service` (a ConsultService) before use; the window supplies the
    comparison through :meth:`start_from`."""

    sig_consult_changed = Signal(object)  # the open Consult or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Consult")
        self.service = None
        self.consult: Consult | None = None
        """The open consult as last saved (its fields may differ from the screen)."""
        self._loading = False
        self._saver = ConsultSaver(self)
        self._pending: tuple[Consult, Consult] | None = None
        """(as last saved, as typed) of a consult whose save failed when the panel locked."""
        self.locked = True  # until the window's clinician mode is unlocked
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self._saver.save_soon)
        editor = self._build_editor()
        side = self.side = ConsultHistory(self)
        self.search, self.history = side.search, side.history
        self.reopen_button, self.follow_button = side.reopen_button, side.follow_button
        self.delete_button, self.undo_button = side.delete_button, side.undo_button
        # Scrolls rather than forcing the window wider or taller (1280x720 at 150 % type).
        scroll = QScrollArea(self)
        scroll.setWidget(editor)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)
        self._watch_fields()
        self._set_enabled(False)

    def _build_editor(self) -> QWidget:
        """The fields of one consult, top to bottom as the conversation goes."""
        self.new_button = QPushButton("&New consult from this comparison", self)
        self.new_button.setAccessibleName("New consult")
        self.label = QLineEdit(self)
        self.label.setPlaceholderText("Patient label (optional; no more than a label)")
        self.label.setAccessibleName("Patient label")
        self.label.setMaxLength(TextKind.LABEL.limit)  # cleaned by the service when saved
        self.clinician = QLineEdit(self)
        self.clinician.setAccessibleName("Clinician")
        self.clinician.setMaxLength(TextKind.LABEL.limit)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # treatment and condition names
        self.date_label = QLabel(self)
        self.date_label.setAccessibleName("Consult date")
        self.boxes: dict[str, QCheckBox] = {}
        priorities = self._build_priorities()
        self.notes = QTextEdit(self)
        self.notes.setAccessibleName("Consult notes")
        self.notes.setPlaceholderText("Notes typed during the conversation")
        self.plan = QLineEdit(self)
        self.plan.setAccessibleName("Plan")
        self.plan.setMaxLength(TextKind.NOTE.limit)
        self.review = QDateEdit(self)
        self.review.setCalendarPopup(True)
        self.review.setDisplayFormat("d MMM yyyy")  # "7 Jan 2027": no day/month mix-up
        self.review.setAccessibleName("Review date")
        self.decision = QComboBox(self)
        for decision in Decision:
            self.decision.addItem(decision.value.capitalize(), decision.value)
        self.decision.setAccessibleName("Decision")
        self.status = QLabel("No consult open", self)
        self.status.setAccessibleName("Save status")

        form = QFormLayout()
        form.addRow("Date", self.date_label)
        form.addRow("Patient &label", self.label)
        form.addRow("&Clinician", self.clinician)
        form.addRow("", self.summary)
        editor = QWidget(self)
        layout = QVBoxLayout(editor)
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addStretch()
        top.addWidget(self.status)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(priorities)
        layout.addWidget(QLabel("&Notes", self, buddy=self.notes))
        layout.addWidget(self.notes, 1)
        plan = QFormLayout()
        plan.addRow("&Plan", self.plan)
        plan.addRow("&Review on", self.review)
        plan.addRow("&Decision", self.decision)
        layout.addLayout(plan)
        return editor

    def _build_priorities(self) -> QGroupBox:
        """What matters to the patient: a box per priority and their own words."""
        priorities = QGroupBox("What matters to the patient", self)
        grid = QVBoxLayout(priorities)
        for key, words in PRIORITIES:
            box = QCheckBox(words, priorities)
            box.setAccessibleName(words)
            self.boxes[key] = box
            grid.addWidget(box)
        self.priorities_note = QLineEdit(priorities)
        self.priorities_note.setPlaceholderText("Anything else that matters, in their words")
        self.priorities_note.setAccessibleName("What else matters")
        self.priorities_note.setMaxLength(TextKind.NOTE.limit)
        grid.addWidget(self.priorities_note)
        return priorities

    def _watch_fields(self) -> None:
        """Each change restarts the autosave; each focus change away from a field saves."""
        for widget in (self.label, self.clinician, self.priorities_note, self.plan):
            widget.textEdited.connect(self._changed)
        self.notes.textChanged.connect(self._changed)
        self.review.dateChanged.connect(self._changed)
        self.decision.currentIndexChanged.connect(self._changed)
        for box in self.boxes.values():
            box.toggled.connect(self._changed)
        # Every focus change away from a field saves at once (a local event filter: no
        # application-wide signal that could outlive this panel).
        for widget in (
            self.label,
            self.clinician,
            self.priorities_note,
            self.notes,
            self.plan,
            self.review,
            self.decision,
            *self.boxes.values(),
        ):
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FocusOut and self.consult is not None:
            self._saver.save_soon()
        return super().eventFilter(watched, event)

    # --- wiring ---------------------------------------------------------------------------
    def set_service(self, service) -> None:
        self.service = service
        self.refresh_history()

    def set_operations(self, operations) -> None:
        """Where saves and reads run (the window's
        :class:`~explorer.ui.window.operations.Operations`)."""
        self._saver.set_operations(operations)

    def save_idle(self) -> bool:
        """Whether no save is in flight."""
        return self._saver.idle()

    def stop_autosave(self) -> None:
        self._timer.stop()

    def autosave_pending(self) -> bool:
        return self._timer.isActive()

    def _set_enabled(self, on: bool) -> None:
        for widget in (
            self.label,
            self.clinician,
            self.notes,
            self.plan,
            self.review,
            self.decision,
            self.priorities_note,
            *self.boxes.values(),
        ):
            widget.setEnabled(on)

    # --- consult --------------------------------------------------------------------------
    def start_from(self, condition: str | None, treatments: list[str], summary: str) -> None:
        """A new consult from the current comparison (saved at once)."""
        if not self.save_now():
            return  # the unsaved text stays on screen
        consult = self.service.start(
            condition=condition, treatments=treatments, clinician=self.clinician.text()
        )
        self._show(consult)
        self.summary.setText(summary)
        self.refresh_history()
        self.notes.setFocus()

    def show_consult(self, consult: Consult | None) -> None:
        """Show ``consult`` (None: an empty, disabled editor) as saved."""
        self._show(consult)

    def _show(self, consult: Consult | None) -> None:
        self._loading = True
        self.consult = consult
        self._set_enabled(consult is not None)
        if consult is not None:
            self.date_label.setText(f"{consult.consult_date:%A %d %B %Y}")
            self.label.setText(consult.patient_label)
            self.clinician.setText(consult.clinician or self.clinician.text())
            self.notes.setHtml(consult.notes_html)
            self.plan.setText(consult.plan)
            review = consult.review_date or dt.date.today()
            self.review.setDate(QDate(review.year, review.month, review.day))
            self.decision.setCurrentIndex(self.decision.findData(consult.decision.value))
            self.priorities_note.setText(consult.priorities_note)
            for key, box in self.boxes.items():
                box.setChecked(key in consult.priorities)
            self.status.setText(f"Saved {consult.updated_at:%H:%M}")
        else:  # nothing of the last consult stays in the widgets (locking relies on this)
            for field in (self.label, self.priorities_note, self.plan):
                field.clear()
            self.notes.clear()
            self.notes.document().clearUndoRedoStacks()
            self.summary.clear()
            self.date_label.clear()
            for box in self.boxes.values():
                box.setChecked(False)
            self.status.setText("No consult open")
        self._loading = False
        self.sig_consult_changed.emit(consult)

    def _changed(self, *_args) -> None:
        if self._loading or self.consult is None:
            return
        self.status.setText("Editing…")
        self._timer.start()  # saved 2 s after the last change

    def current(self) -> Consult | None:
        """The open consult with the fields as they are on screen."""
        if self.consult is None:
            return None
        date = self.review.date()
        return replace(
            self.consult,
            patient_label=self.label.text(),
            clinician=self.clinician.text(),
            notes_html=self.notes.toHtml() if self.notes.toPlainText().strip() else "",
            plan=self.plan.text(),
            review_date=dt.date(date.year(), date.month(), date.day()),
            decision=Decision(self.decision.currentData()),
            priorities=tuple(k for k, box in self.boxes.items() if box.isChecked()),
            priorities_note=self.priorities_note.text(),
        )

    def as_text(self) -> str:
        """The open consult as it is on screen, as plain text (to keep it in a file when
        the database refuses it), or "" when none is open."""
        if self.consult is None:
            return ""
        c = self.consult
        ticked = [box.text().replace("&", "") for box in self.boxes.values() if box.isChecked()]
        lines = [
            f"Consult of {c.consult_date:%d %B %Y} (not saved in the database)",
            f"Patient label: {self.label.text()}",
            f"Clinician: {self.clinician.text()}",
            self.summary.text(),
            "",
            "What matters to the patient: " + ("; ".join(ticked) or "—"),
        ]
        if self.priorities_note.text().strip():
            lines.append(f"In their words: {self.priorities_note.text()}")
        lines += ["", "Notes:", self.notes.toPlainText(), ""]
        lines.append(f"Plan: {self.plan.text()}")
        lines.append(f"Review on: {self.review.date().toString('d MMMM yyyy')}")
        lines.append(f"Decision: {self.decision.currentText()}")
        return "\n".join(lines) + "\n"

    def private_texts(self) -> tuple[str, ...]:
        """What the open consult shows (to keep it off the clipboard once locked)."""
        if self.consult is None:
            return ()
        return (
            self.label.text(),
            self.notes.toPlainText(),
            self.plan.text(),
            self.priorities_note.text(),
        )

    def set_locked(self, locked: bool) -> None:
        """Locking saves, then clears the editor and the history; unlocking refills the
        history (the consult that was open stays closed: open it again from the history)."""
        if locked:
            if not self.save_now() and self.consult is not None:
                # Not saved (full disk…): hidden, not lost; back on screen at the unlock.
                current = self.current()
                assert current is not None
                self._pending = (self.consult, current)
            self._show(None)
        self.locked = locked
        if not locked and self._pending is not None:
            saved, typed = self._pending
            self._pending = None
            self._show(typed)
            self.consult = saved  # the screen differs from the last save: saved again below
            self.save_now()
        self.side.reset()

    def notes_text(self) -> str:
        return self.notes.toPlainText()

    def save_now(self) -> bool:
        """Save at once if anything changed (on lock, close, before another consult),
        after the save in flight if any. Returns whether everything on screen is saved;
        see :mod:`explorer.ui.clinic.consult_saving` for what a failure does."""
        return self._saver.save_now()

    def has_unsaved(self) -> bool:
        """Whether text on screen (or hidden by a lock) could not be saved."""
        current = self.current()
        return self._pending is not None or (current is not None and current != self.consult)

    # --- history (explorer.ui.clinic.consult_history) ---------------------------------------------
    @property
    def operations(self):
        """Where saves and reads run."""
        return self._saver.operations

    def refresh_history(self, *_args) -> None:
        self.side.refresh()

    def refresh_history_soon(self) -> None:
        self.side.refresh_soon()
