"""Child process of ``test_window_start``: one start-up, one JSON line on stdout, then exit.

    python tests/benchmarks/start_child.py bare    # a bare QMainWindow: the floor
    python tests/benchmarks/start_child.py paint   # the application, up to its first paint
    python tests/benchmarks/start_child.py ready   # the application, up to MainWindow.sig_ready

The parent passes ``BENCH_T0`` (its ``time.time()`` just before starting this process);
the line printed holds ``time.time()`` at the first Paint event of any widget of the
window (``paint``), after that first frame was finished (``frame``) and, in ``ready``
mode, at ``sig_ready``. The application is started through its real entry point
(``explorer.cli.main(["gui"])``, as ``python -m explorer`` does); the only addition is
a wrapper around ``create_window`` that installs the probe. Nothing is imported before
the code under test would import it, except this file's few standard-library modules.
"""

from __future__ import annotations

import json
import os
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "bare"
_marks: dict[str, object] = {"mode": MODE}


def _finish(**fields: object) -> None:
    _marks.update(fields)
    sys.stdout.write(json.dumps(_marks) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter and Qt teardown: not part of what is measured


def _paint_probe(on_first_frame):
    """An application-wide event filter noting the first Paint event of any widget."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and "paint" not in _marks:
                _marks["paint"] = time.time()
                _marks["painted_class"] = type(watched).__name__
                # Runs once the current paint pass (all widgets, backing-store flush) is done.
                QTimer.singleShot(0, self._frame_done)
            return False

        def _frame_done(self) -> None:
            _marks["frame"] = time.time()
            QApplication.instance().removeEventFilter(self)
            on_first_frame()

    probe = FirstPaint()
    QApplication.instance().installEventFilter(probe)
    return probe


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Bare window")
    window.resize(1280, 720)
    probe = _paint_probe(_finish)
    window.show()
    app.exec()
    del probe


def application(until_ready: bool) -> None:
    import explorer.ui.window.app as app_module

    original = app_module.create_window
    keep: list[object] = []

    def create_window(data_dir, settings=None, **kwargs):
        window, loader = original(data_dir, settings, **kwargs)
        keep.append(_paint_probe((lambda: None) if until_ready else _finish))

        def ready() -> None:
            _finish(
                ready=time.time(),
                columns=window.comparison_model.columnCount(),
                condition=window.condition.currentData(),
                catalog_rows=window.catalog.model.rowCount(),
            )

        window.sig_ready.connect(ready)
        return window, loader

    app_module.create_window = create_window
    from explorer.cli import main

    main(["gui"])
    sys.exit("the application's event loop ended before the benchmark finished")


if __name__ == "__main__":
    _marks["t0"] = float(os.environ["BENCH_T0"])
    if MODE == "bare":
        bare()
    else:
        application(until_ready=MODE == "ready")
