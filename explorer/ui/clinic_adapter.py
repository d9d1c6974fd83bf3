"""The clinic side of the main window (the :class:`~explorer.ui.clinic_mode.ClinicMode`
part) seen as the :class:`~explorer.ui.backup_controller.Clinic` that backups need.

Glue for as long as the clinic side is part of the window: once it is a controller of its
own with these methods, the backup controller is given that controller and this goes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explorer.services.audit import AuditAction
    from explorer.ui.main_window import MainWindow


class ClinicOfWindow:
    """The clinic side of the window as :class:`~explorer.ui.backup_controller.Clinic`
    (until the clinic side is a controller of its own)."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    @property
    def is_open(self) -> bool:
        return self._window.access is not None

    @property
    def unlocked(self) -> bool:
        return self._window.unlocked

    def clinician_name(self) -> str:
        return self._window._clinician_name()

    def open_now(self) -> bool:
        return self._window.open_clinic()

    def with_unlock(self, action: Callable[[], None], purpose: str) -> None:
        self._window.with_unlock(action, purpose)

    def lock(self, reason: str) -> None:
        self._window.lock_clinician(reason)

    def close_database(self) -> None:
        self._window._close_clinic()

    def record_audit(self, action: AuditAction, detail: str = "") -> None:
        self._window.record_audit(action, detail)
