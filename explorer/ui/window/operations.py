"""Service calls off the GUI thread: one helper for everything that may wait on a database.

In the spirit of Anki's ``CollectionOp``/``QueryOp``: :meth:`Operations.run` runs a
callable on a thread pool and hands its result, or its error, back on the GUI thread.

- ``on_done(result)`` runs on the GUI thread when the call returns.
- An error written for the user (:class:`~explorer.errors.UserFacingError`, which includes
  :class:`~explorer.store.problems.DatabaseProblem`) goes to ``on_error(error)``, or, when
  there is none, to a message box saying it.
- Any other error is unexpected: it goes to ``sys.excepthook`` on the GUI thread, which the
  application routes to :mod:`explorer.ui.window.unexpected` (traceback in the log, one calm
  message).
- ``write=True`` queues the call behind every other write: one writer at a time, in the
  order asked, so two writes never reach the clinic database at once.
- A call still running after :data:`BUSY_AFTER_MS` shows a busy cursor on the window and,
  with ``busy_text``, a status bar message, until the last such call ends.
- :meth:`Operations.shutdown` (when the window closes) drops results not yet delivered
  and waits for running calls, with a bound.
- :meth:`Operations.wait` finishes one call now (its callbacks run before it returns): for
  the few places that must have the answer before going on, such as closing the window
  while a save is in flight.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget
from shiboken6 import isValid

from explorer.errors import UserFacingError
from explorer.ui.window.style import as_is

log = logging.getLogger(__name__)

BUSY_AFTER_MS = 200
SHUTDOWN_WAIT_MS = 15_000


class Op(QObject):
    """One call handed to :class:`Operations`. ``sig_finished`` fires on the GUI thread
    after the callbacks ran (whatever the outcome); ``finished`` says whether it did."""

    sig_finished = Signal()

    def __init__(
        self,
        call: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[UserFacingError], None] | None,
        busy_text: str,
        title: str,
    ) -> None:
        super().__init__()
        self.call = call
        self.on_done = on_done
        self.on_error = on_error
        self.busy_text = busy_text
        self.title = title
        self.finished = False
        self.ran = threading.Event()  # set on the worker once the call returned or raised
        self.outcome: tuple[bool, Any] | None = None  # (ok, result or exception)
        self.busy = False


class _Relay(QObject):
    """Lives on the GUI thread: a worker's emit arrives here queued."""

    sig_ready = Signal()


class _Task(QRunnable):
    def __init__(self, op: Op, ready: queue.SimpleQueue[Op], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op, self._ready, self._relay = op, ready, relay

    def run(self) -> None:
        op = self._op
        try:
            op.outcome = (True, op.call())
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, never lost on the worker
            op.outcome = (False, exc)
        op.ran.set()
        self._ready.put(op)
        self._relay.sig_ready.emit()


class Operations(QObject):
    """The window's runner of service calls (see the module's docstring)."""

    sig_busy = Signal(bool)
    """True when a call has run longer than :data:`BUSY_AFTER_MS`, False when none does."""

    def __init__(self, window: QWidget, *, max_readers: int = 2) -> None:
        super().__init__(window)
        self._window = window
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(max_readers)
        self._writer = QThreadPool(self)  # one thread: writes run one at a time, in order
        self._writer.setMaxThreadCount(1)
        self._ready: queue.SimpleQueue[Op] = queue.SimpleQueue()
        self._relay = _Relay(self)
        self._relay.sig_ready.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._pending: list[Op] = []
        self._busy: list[Op] = []
        self._closed = False
        self._text = ""  # the busy text this layer put in the status bar

    # --- running --------------------------------------------------------------------------
    def run(
        self,
        call: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        on_error: Callable[[UserFacingError], None] | None = None,
        write: bool = False,
        busy_text: str = "",
        title: str = "Not done",
    ) -> Op:
        """Run ``call()`` on a worker thread; see the module's docstring."""
        op = Op(call, on_done, on_error, busy_text, title)
        if self._closed:
            log.info("operation not started: the window is closing")
            op.finished = True
            return op
        self._pending.append(op)
        QTimer.singleShot(BUSY_AFTER_MS, self, lambda: self._mark_busy(op))
        (self._writer if write else self._readers).start(_Task(op, self._ready, self._relay))
        return op

    def idle(self) -> bool:
        """Whether no call is waiting or running."""
        return not self._pending

    def wait(self, op: Op | None = None, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Wait for ``op`` (every call when None) and run its callbacks now, on this thread.
        False when it did not end within ``timeout_ms``."""
        ops = [op] if op is not None else list(self._pending)
        for one in ops:
            if not one.finished and not one.ran.wait(timeout_ms / 1000):
                return False
        self._deliver()
        return all(one.finished for one in ops)

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """No new calls; results not yet delivered are dropped; wait for running calls
        (at most ``timeout_ms`` per pool). False when some did not end in time."""
        self._closed = True
        done = self._writer.waitForDone(timeout_ms) and self._readers.waitForDone(timeout_ms)
        if not done:
            log.warning("operations still running when the window closed")
        self._set_busy_off()
        return done

    # --- delivering (GUI thread) ------------------------------------------------------------
    def _deliver(self) -> None:
        while True:
            try:
                op = self._ready.get_nowait()
            except queue.Empty:
                return
            if op.finished:
                continue
            op.finished = True
            if op in self._pending:
                self._pending.remove(op)
            self._unmark_busy(op)
            if self._closed or not isValid(self._window):
                log.info("result of an operation dropped: the window closed")
                continue
            try:
                self._hand_back(op)
            finally:
                op.sig_finished.emit()

    def _hand_back(self, op: Op) -> None:
        assert op.outcome is not None
        ok, value = op.outcome
        if ok:
            if op.on_done is not None:
                op.on_done(value)
        elif isinstance(value, UserFacingError):
            log.info("operation refused: %s", value)
            if op.on_error is not None:
                op.on_error(value)
            else:
                QMessageBox.warning(self._window, op.title, as_is(str(value)))
        elif isinstance(value, Exception):  # the application's hook logs it and says so
            sys.excepthook(type(value), value, value.__traceback__)
        else:  # KeyboardInterrupt, SystemExit on a worker: raised here
            raise value

    # --- busy indication --------------------------------------------------------------------
    def _mark_busy(self, op: Op) -> None:
        if op.finished or self._closed:
            return
        op.busy = True
        if not self._busy:
            self._window.setCursor(Qt.CursorShape.BusyCursor)
            self.sig_busy.emit(True)
        self._busy.append(op)
        self._show_busy_text()

    def _unmark_busy(self, op: Op) -> None:
        if not op.busy:
            return
        op.busy = False
        self._busy.remove(op)
        if self._busy:
            self._show_busy_text()
        else:
            self._set_busy_off()

    def _set_busy_off(self) -> None:
        had = bool(self._busy)
        self._busy.clear()
        self._window.unsetCursor()
        bar = self._status_bar()
        if bar is not None and bar.currentMessage() == self._text:
            bar.clearMessage()
        self._text = ""
        if had:
            self.sig_busy.emit(False)

    def _show_busy_text(self) -> None:
        texts = [op.busy_text for op in self._busy if op.busy_text]
        bar = self._status_bar()
        if texts and bar is not None:
            self._text = texts[-1]
            bar.showMessage(self._text)

    def _status_bar(self):
        window = self._window
        return window.statusBar() if isinstance(window, QMainWindow) else None

    @property
    def busy(self) -> bool:
        """Whether a call has been running longer than :data:`BUSY_AFTER_MS`."""
        return bool(self._busy)
