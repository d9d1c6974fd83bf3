"""Clinician mode of one PC, without a window: the open clinic database, the lock state,
PIN checks, the consults and the audit log.

The window's clinic-mode controller drives it (on worker threads for anything that reads
or writes the database); tests and other front ends can drive it directly. Every method
that touches the database may wait for the server or the disk, and raises
:class:`~explorer.errors.UserFacingError` when the database refuses.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from sqlalchemy import Engine

from explorer.services.audit import AuditAction, AuditLog
from explorer.services.backup import Clock
from explorer.services.clinic_db import ClinicStore, open_clinic_store
from explorer.services.consults import ConsultService
from explorer.services.pin_service import AccessService, PinCheck
from explorer.store.backend import Backend

log = logging.getLogger(__name__)


class ClinicSession:
    """The open clinic database of one backend and clinician mode's lock state.

    Starts locked. :meth:`unlock` and :meth:`lock` say whether the state changed (so that
    the audit log records each change once)."""

    def __init__(self, store: ClinicStore, *, attempts_file: Path, clinician: str = "") -> None:
        self._store = store
        self.access = AccessService(store.clinic, attempts_file=attempts_file)
        self.audit = AuditLog(store.clinic)
        self.consults = ConsultService(store.clinic, clinician=clinician)
        self._clinician = clinician
        self.unlocked = False

    @classmethod
    def open(
        cls, backend: Backend, *, clinician: str = "", clock: Clock = dt.datetime.now
    ) -> ClinicSession:
        """Open (check, create, back up and upgrade as needed) the clinic database of
        ``backend``. Slow: migrations, a verified backup, a server connection. Raises
        :class:`~explorer.services.clinic_db.ClinicDatabaseProblem` for a file that cannot be
        used, :class:`~explorer.errors.UserFacingError` for the rest."""
        store = open_clinic_store(backend, clock=clock)
        try:
            session = cls(
                store,
                attempts_file=backend.data_dir / "pin-attempts.json",
                clinician=clinician,
            )
            session.access.has_pin()  # reached now, on the caller's thread, not at first use
        except BaseException:
            store.close()
            raise
        return session

    @property
    def engine(self) -> Engine:
        """The clinic database's engine (for services this session does not wrap)."""
        return self._store.clinic

    # --- who ---------------------------------------------------------------------------------
    @property
    def clinician(self) -> str:
        return self._clinician

    @clinician.setter
    def clinician(self, name: str) -> None:
        """Who is acting, for the audit log (the name in this PC's settings)."""
        self._clinician = name
        self.consults.clinician = name

    # --- PIN and lock ---------------------------------------------------------------------------
    def has_pin(self) -> bool:
        return self.access.has_pin()

    def check_pin(self, pin: str, purpose: str) -> PinCheck:
        """Check ``pin`` (scrypt: ~50-100 ms); audited, and counted when wrong."""
        return self.access.check(pin, clinician=self._clinician, purpose=purpose)

    def set_pin(self, pin: str, confirmation: str) -> None:
        """Set or replace the PIN. Raises ``PinRefused`` for a weak or mismatched one."""
        self.access.set_pin(pin, confirmation, clinician=self._clinician)

    def unlock(self) -> bool:
        """Mark clinician mode unlocked (the PIN was given); True if it was locked."""
        was_locked, self.unlocked = not self.unlocked, True
        return was_locked

    def lock(self) -> bool:
        """Mark it locked; the next save is a new edit in the audit log. True if it was
        unlocked."""
        was_unlocked, self.unlocked = self.unlocked, False
        self.consults.end_editing()
        return was_unlocked

    # --- audit ----------------------------------------------------------------------------------
    def record(self, action: AuditAction, detail: str = "") -> None:
        """Add ``action`` to the audit log, by the current clinician."""
        self.audit.record(action, self._clinician, detail=detail)

    def close(self) -> None:
        self.unlocked = False
        self._store.close()
