"""Regressions of the platform itself that once crashed the application."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    sig_value = Signal(object)
    sig_flag = Signal(bool)


def test_signal_emits_do_not_leak_references_to_true() -> None:
    """PySide6 6.12.0 on Python 3.11 dropped a reference to True per emit and aborted.

    pyqtgraph emits ~15 signals per plot, so a leak here kills the app after ~20 charts.
    """
    emitter = _Emitter()
    received: list[object] = []
    emitter.sig_value.connect(received.append)
    emitter.sig_flag.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(1000):
        emitter.sig_value.emit(True)
        emitter.sig_flag.emit(True)
    received.clear()
    after = sys.getrefcount(True)
    assert abs(after - before) < 50, f"refcount of True drifted by {after - before}"


def test_pyqtgraph_imports_with_the_installed_pyside6() -> None:
    import pyqtgraph
    import PySide6

    assert pyqtgraph.Qt.QT_LIB == "PySide6"
    assert PySide6.__version__ != "6.12.0" or sys.version_info >= (3, 12)
