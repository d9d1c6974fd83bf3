"""The operations layer: service calls off the GUI thread, results back on it."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from explorer.errors import UserFacingError
from explorer.store.problems import DatabaseProblem
from explorer.ui.window.operations import BUSY_AFTER_MS, Operations


@pytest.fixture
def window(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def ops(window):
    operations = Operations(window)
    yield operations
    operations.shutdown(5000)


def test_result_arrives_on_the_gui_thread_while_the_call_ran_on_a_worker(qtbot, ops) -> None:
    gui = QThread.currentThread()
    seen: dict[str, object] = {}

    def call() -> int:
        seen["worker"] = QThread.currentThread()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["delivered on"] = QThread.currentThread()

    op = ops.run(call, done)
    with qtbot.waitSignal(op.sig_finished, timeout=5000):
        pass
    assert seen["result"] == 42
    assert seen["delivered on"] is gui and seen["worker"] is not gui
    assert ops.idle()


def test_gui_thread_keeps_running_while_a_call_waits(qtbot, ops) -> None:
    """A 1 s call: a 50 ms timer on the GUI thread keeps firing meanwhile."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    op = ops.run(lambda: time.sleep(1.0))
    with qtbot.waitSignal(op.sig_finished, timeout=5000):
        pass
    timer.stop()
    assert len(ticks) >= 12  # ~20 at 50 ms; a blocked GUI thread would give 0 or 1


@pytest.mark.parametrize(
    "error", [UserFacingError("The disk is full."), DatabaseProblem("The disk is full.")]
)
def test_a_user_facing_error_goes_to_on_error(qtbot, ops, error) -> None:
    got: list[UserFacingError] = []

    def call() -> None:
        raise error

    op = ops.run(call, lambda _r: pytest.fail("no result expected"), on_error=got.append)
    with qtbot.waitSignal(op.sig_finished, timeout=5000):
        pass
    assert got == [error]


def test_a_user_facing_error_without_on_error_is_shown_as_written(
    qtbot, ops, window, monkeypatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text: shown.append((title, text))
    )

    def call() -> None:
        raise UserFacingError("The server cannot be reached.")

    op = ops.run(call, title="Not saved")
    with qtbot.waitSignal(op.sig_finished, timeout=5000):
        pass
    assert shown == [("Not saved", "The server cannot be reached.")]


def test_an_unexpected_error_goes_to_the_unexpected_error_hook(qtbot, ops, monkeypatch) -> None:
    import sys

    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _kind, error, _trace: hooked.append(error))

    def call() -> None:
        raise KeyError("boom")

    op = ops.run(call, lambda _r: pytest.fail("no result expected"))
    with qtbot.waitSignal(op.sig_finished, timeout=5000):
        pass
    assert len(hooked) == 1 and isinstance(hooked[0], KeyError)
    assert hooked[0].__traceback__ is not None  # the log gets where it happened


def test_writes_never_overlap_and_keep_their_order(qtbot, ops) -> None:
    lock = threading.Lock()
    running = 0
    overlap = False
    order: list[int] = []

    def write(n: int):
        def call() -> int:
            nonlocal running, overlap
            with lock:
                running += 1
                overlap = overlap or running > 1
            time.sleep(0.05)
            with lock:
                running -= 1
            return n

        return call

    ops_run = [ops.run(write(n), order.append, write=True) for n in range(6)]
    qtbot.waitUntil(lambda: all(op.finished for op in ops_run), timeout=5000)
    assert not overlap
    assert order == list(range(6))


def test_a_slow_call_shows_busy_then_clears(qtbot, ops, window) -> None:
    op = ops.run(lambda: time.sleep(BUSY_AFTER_MS / 1000 + 0.4), busy_text="Saving…")
    qtbot.waitUntil(lambda: ops.busy, timeout=2000)
    assert window.statusBar().currentMessage() == "Saving…"
    assert window.cursor().shape() == Qt.CursorShape.BusyCursor
    with qtbot.waitSignal(op.sig_finished, timeout=5000):
        pass
    assert not ops.busy
    assert window.statusBar().currentMessage() == ""
    assert window.cursor().shape() == Qt.CursorShape.ArrowCursor


def test_a_quick_call_shows_no_busy_indication(qtbot, ops, window) -> None:
    busy: list[bool] = []
    ops.sig_busy.connect(busy.append)
    op = ops.run(lambda: 1, busy_text="Saving…")
    with qtbot.waitSignal(op.sig_finished, timeout=5000):
        pass
    qtbot.wait(BUSY_AFTER_MS + 100)
    assert busy == []
    assert window.statusBar().currentMessage() == ""


def test_wait_runs_the_callbacks_before_returning(qtbot, ops) -> None:
    got: list[int] = []
    op = ops.run(lambda: time.sleep(0.2) or 7, got.append, write=True)
    assert ops.wait(op)
    assert got == [7] and op.finished


def test_closing_drops_results_and_waits_for_running_calls(qtbot, window) -> None:
    operations = Operations(window)
    release = threading.Event()
    ended = threading.Event()

    def call() -> int:
        release.wait(5)
        ended.set()
        return 1

    got: list[int] = []
    operations.run(call, got.append, write=True)
    threading.Timer(0.1, release.set).start()  # the GUI thread is blocked in shutdown
    assert operations.shutdown(5000)
    assert ended.is_set()  # waited for
    QApplication.processEvents()
    qtbot.wait(50)
    assert got == []  # dropped: the window is gone
    late = operations.run(lambda: pytest.fail("not run after shutdown"))
    assert late.finished


def test_shutdown_is_bounded(qtbot, window) -> None:
    operations = Operations(window)
    release = threading.Event()
    operations.run(lambda: release.wait(10), write=True)
    started = time.monotonic()
    assert not operations.shutdown(300)
    assert time.monotonic() - started < 2
    release.set()
    assert operations.shutdown(5000)  # not leaking a thread past the test
