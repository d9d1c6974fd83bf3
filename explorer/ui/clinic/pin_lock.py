"""Clinician PIN prompts, the idle watch and the lock state of clinician mode.

Locked means the clinic's data is out of reach: consult notes and history, the audit log
and the preferences. The knowledge base stays browsable. The state starts locked when a
PIN exists, unlocks with the PIN, and locks again after the idle period or on entering
patient mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.pin import IdleTimer, PinRefused
from explorer.domain.text import TextKind, clean_text

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


class IdleWatch(QObject):
    """Emits ``sig_idle`` once when no input reached the application for the timeout.

    Any key, click, wheel or mouse move anywhere in the application counts as activity.
    ``clock`` is injectable (tests advance a fake clock and call :meth:`check`).
    """

    sig_idle = Signal()

    def __init__(
        self,
        timeout_seconds: float,
        parent: QObject,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.idle = IdleTimer(timeout_seconds, clock)
        self.armed = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._poll = QTimer(self)
        self._poll.setInterval(1000)
        self._poll.timeout.connect(self.check)
        self._poll.start()

    def set_clock(self, clock: Callable[[], float]) -> None:
        self.idle = IdleTimer(self.idle.timeout_seconds, clock)

    def set_timeout(self, seconds: float) -> None:
        self.idle.timeout_seconds = seconds

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self.idle.touch()
            self.armed = True
        return False

    def touch(self) -> None:
        self.idle.touch()
        self.armed = True

    def check(self) -> bool:
        """Emit ``sig_idle`` if the timeout has passed since the last input (once)."""
        if self.armed and self.idle.expired():
            self.armed = False
            self.sig_idle.emit()
            return True
        return False

    def stop(self) -> None:
        self._poll.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def start(self) -> None:
        """Watch again (after :meth:`stop`), counting from now."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.touch()
        self._poll.start()


class PinForm(QWidget):
    """A PIN field (and a confirmation field when setting one), a message and a button.

    ``submit(pin, confirmation)`` returns None when accepted, else ``(message, wait)``:
    the message is shown and the button stays disabled for ``wait`` seconds.
    """

    sig_accepted = Signal()

    def __init__(
        self,
        submit: Callable[[str, str], tuple[str, int] | None],
        *,
        setting: bool,
        button_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        self.setting = setting
        self.pin = QLineEdit(self)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName("New clinician PIN" if setting else "Clinician PIN")
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("Type the PIN again")
        self.confirm.setVisible(setting)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("PIN message")
        self.message.setStyleSheet("color: #b00020;")
        self.button = QPushButton(button_text, self)
        self.button.setDefault(True)
        form = QFormLayout(self)
        form.addRow("New &PIN" if setting else "Clinician &PIN", self.pin)
        if setting:
            form.addRow("&Again", self.confirm)
        form.addRow(self.message)
        form.addRow(self.button)
        self.button.clicked.connect(self.try_submit)
        self.pin.returnPressed.connect(self._on_return)
        self.confirm.returnPressed.connect(self.try_submit)
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.timeout.connect(self._end_wait)

    def _on_return(self) -> None:
        if self.setting and not self.confirm.text():
            self.confirm.setFocus()
        else:
            self.try_submit()

    def try_submit(self) -> bool:
        if not self.button.isEnabled():
            return False
        refused = self._submit(self.pin.text(), self.confirm.text())
        self.pin.clear()
        self.confirm.clear()
        if refused is None:
            self.message.clear()
            self.sig_accepted.emit()
            return True
        message, wait = refused
        self.message.setText(message)
        if wait > 0:
            self.button.setEnabled(False)
            self.pin.setEnabled(False)
            self._wait.start(wait * 1000)
        self.pin.setFocus()
        return False

    def _end_wait(self) -> None:
        self.button.setEnabled(True)
        self.pin.setEnabled(True)
        self.message.setText("You can try again now.")
        self.pin.setFocus()

    def reset(self) -> None:
        self.pin.clear()
        self.confirm.clear()
        self.message.clear()


class PinDialog(QDialog):
    """A small window around a :class:`PinForm` (set a PIN, or give it to leave or unlock).

    With ``ask_name`` it also asks for the clinician's name (for the audit log) and refuses
    to go on without one; ``name_accepted(name)`` is called before the PIN is submitted.
    """

    def __init__(
        self,
        title: str,
        explanation: str,
        submit: Callable[[str, str], tuple[str, int] | None],
        *,
        setting: bool,
        button_text: str,
        parent: QWidget | None = None,
        ask_name: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_WindowPropagation)  # the patient-mode type size
        text = QLabel(explanation, self)
        text.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setAccessibleName("Your name")
        self.name.setMaxLength(TextKind.LABEL.limit)
        self.name.setPlaceholderText("e.g. Dr A. Rivera (recorded with each action)")
        self.name.setVisible(ask_name is not None)
        self._ask_name = ask_name

        def with_name(pin: str, confirmation: str) -> tuple[str, int] | None:
            if self._ask_name is not None:
                name = clean_text(self.name.text(), TextKind.LABEL)
                if not name:
                    self.name.setFocus()
                    return "Type your name first: the audit log records who did what.", 0
                self._ask_name(name)
            return submit(pin, confirmation)

        self.form = PinForm(with_name, setting=setting, button_text=button_text, parent=self)
        self.form.sig_accepted.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        if ask_name is not None:
            names = QFormLayout()
            names.addRow("Your &name", self.name)
            layout.addLayout(names)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        (self.name if ask_name is not None else self.form.pin).setFocus()


def set_pin_submit(
    set_pin: Callable[[str, str], None],
) -> Callable[[str, str], tuple[str, int] | None]:
    """A PinForm ``submit`` that sets a new PIN, refusing weak or mismatched ones."""

    def submit(pin: str, confirmation: str) -> tuple[str, int] | None:
        try:
            set_pin(pin, confirmation)
        except PinRefused as exc:
            return str(exc), 0
        return None

    return submit


class LockPage(QWidget):
    """What the Consult tab shows while locked: a PIN field (or, before any PIN exists, the
    form that sets one)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Consults locked")
        self._box = QWidget(self)
        self._box.setFixedWidth(34 * self.fontMetrics().averageCharWidth() + 200)
        self.heading = QLabel(self._box)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.text = QLabel(self._box)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # error messages name files
        self.form: PinForm | None = None
        self._inner = QVBoxLayout(self._box)
        self._inner.addWidget(self.heading)
        self._inner.addWidget(self.text)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self._box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def show_form(self, form: PinForm, heading: str, text: str) -> None:
        if self.form is not None:
            self.form.deleteLater()
        self.form = form
        form.setParent(self._box)
        self._inner.addWidget(form)
        self.heading.setText(heading)
        self.text.setText(text)
