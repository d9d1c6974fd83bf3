"""Report tests run the export in this process."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _qt_application(qapp: object) -> object:
    """The export creates a QGuiApplication when none exists, and a process has only one
    application: start the full QApplication first, as the widget tests of this process
    (and the window, when it exports) need one."""
    return qapp
