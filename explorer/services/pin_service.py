"""The clinician PIN of a clinic database: set, check with back-off, reset.

Only a salted scrypt hash is stored (see :mod:`explorer.domain.pin`). Wrong PINs are
counted in the database, so restarting the application does not reset the wait. Every
outcome is written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from explorer.domain.pin import (
    FREE_ATTEMPTS,
    check_new_pin,
    hash_pin,
    verify_pin,
    wait_after,
)
from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes
from explorer.services.audit import AuditAction, audit_row, now_utc
from explorer.store.backend import writer
from explorer.store.clinic_models import ClinicianAccessRow
from explorer.store.problems import DatabaseProblem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PinCheck:
    """The result of one PIN attempt."""

    ok: bool
    wait_seconds: int = 0
    """When not ok: seconds before the next attempt is accepted (0: try again now)."""
    message: str = ""


class AccessService:
    def __init__(
        self,
        clinic: Engine,
        *,
        now: Callable[[], dt.datetime] = now_utc,
        attempts_file: Path | None = None,
    ) -> None:
        self._engine = clinic
        self._writer = writer(clinic)
        self._now = now
        self._attempts_file = attempts_file
        """Where wrong PINs are counted while the database refuses to count them (a small
        file in this PC's data folder, so that a restart does not reset the wait)."""
        self._failed_here, self._blocked_until = self._read_attempts()

    def has_pin(self) -> bool:
        with Session(self._engine) as session:
            return session.get(ClinicianAccessRow, 1) is not None

    def set_pin(self, pin: str, confirmation: str, *, clinician: str = "") -> None:
        """Set (or replace, when already unlocked) the PIN. Raises ``PinRefused``."""
        check_new_pin(pin, confirmation)
        stored = hash_pin(pin)
        with Session(self._writer) as session, session.begin():
            row = session.get(ClinicianAccessRow, 1)
            if row is None:
                session.add(ClinicianAccessRow(id=1, pin_hash=stored, set_at=self._now()))
            else:
                row.pin_hash, row.set_at = stored, self._now()
                row.failed_attempts, row.blocked_until = 0, None
            session.add(audit_row(AuditAction.PIN_SET, clinician))

    def check(self, pin: str, *, clinician: str = "", purpose: str = "") -> PinCheck:
        """Check ``pin``; refused without checking while a back-off wait is running.

        When the database refuses writes (its disk is full, a newer version upgraded it)
        the PIN is still checked, read-only, so that the clinician can unlock to read and
        keep what is on screen; a wrong PIN then waits at once, counted in ``attempts_file``
        (the database cannot count it), so a restart does not reset the wait."""
        try:
            result = self._check_and_count(pin, clinician=clinician, purpose=purpose)
        except DatabaseProblem as refused:
            if not refused.writes_refused:
                raise  # busy, unreachable…: "could not be checked"; try again
            log.warning("PIN checked read-only: the database refuses writes (%s)", refused)
            return self._check_read_only(pin)
        if result.ok and self._failed_here:  # writable again: its own count rules
            self._failed_here, self._blocked_until = 0, None
            self._write_attempts()
        return result

    def _check_read_only(self, pin: str) -> PinCheck:
        with Session(self._engine) as session:
            row = session.get(ClinicianAccessRow, 1)
            if row is None:
                return PinCheck(False, message="No clinician PIN has been set on this PC yet.")
            now = self._now()
            blocked = [t for t in (row.blocked_until, self._blocked_until) if t is not None]
            if blocked and now < max(blocked):
                wait = int((max(blocked) - now).total_seconds() + 0.999)
                return PinCheck(False, wait, _wait_message(wait))
            if verify_pin(pin, row.pin_hash):
                self._failed_here, self._blocked_until = 0, None
                self._write_attempts()
                return PinCheck(True)
            self._failed_here += 1
            # no free attempts here: a wrong PIN waits at once, and the wait grows
            wait = wait_after(max(row.failed_attempts, FREE_ATTEMPTS) + self._failed_here - 1)
            self._blocked_until = now + dt.timedelta(seconds=wait) if wait else None
            self._write_attempts()
            message = "That PIN is not right."
            return PinCheck(False, wait, message + (" " + _wait_message(wait) if wait else ""))

    def _read_attempts(self) -> tuple[int, dt.datetime | None]:
        if self._attempts_file is None:
            return 0, None
        try:
            data = json.loads(self._attempts_file.read_text(encoding="utf-8"))
            until = data.get("blocked_until")
            return int(data["failed"]), dt.datetime.fromisoformat(until) if until else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return 0, None  # none yet (or unreadable: the database's own count still holds)

    def _write_attempts(self) -> None:
        if self._attempts_file is None:
            return
        try:
            if not self._failed_here:
                self._attempts_file.unlink(missing_ok=True)
                return
            until = self._blocked_until.isoformat() if self._blocked_until else None
            data = {"failed": self._failed_here, "blocked_until": until}
            atomic_write_bytes(self._attempts_file, json.dumps(data).encode("utf-8"))
        except (OSError, UserFacingError) as exc:  # the count in this process still holds
            log.warning("could not keep the wrong-PIN count in %s: %s", self._attempts_file, exc)

    def _check_and_count(self, pin: str, *, clinician: str, purpose: str) -> PinCheck:
        with Session(self._writer) as session, session.begin():
            # Locked: two PCs checking wrong PINs at once must both be counted (PostgreSQL)
            row = session.get(ClinicianAccessRow, 1, with_for_update=True)
            if row is None:
                return PinCheck(False, message="No clinician PIN has been set on this PC yet.")
            now = self._now()
            if row.blocked_until is not None and now < row.blocked_until:
                wait = int((row.blocked_until - now).total_seconds() + 0.999)
                return PinCheck(False, wait, _wait_message(wait))
            if verify_pin(pin, row.pin_hash):
                row.failed_attempts, row.blocked_until = 0, None
                return PinCheck(True)
            row.failed_attempts += 1
            wait = wait_after(row.failed_attempts)
            row.blocked_until = now + dt.timedelta(seconds=wait) if wait else None
            session.add(
                audit_row(
                    AuditAction.WRONG_PIN,
                    clinician,
                    detail=f"{purpose}; {row.failed_attempts} in a row".strip("; "),
                )
            )
            message = "That PIN is not right."
            if wait:
                message += " " + _wait_message(wait)
            return PinCheck(False, wait, message)

    def reset(self, *, clinician: str = "", detail: str = "") -> bool:
        """Remove the PIN (``explorer pin reset``); the next start asks for a new one."""
        with Session(self._writer) as session, session.begin():
            row = session.get(ClinicianAccessRow, 1)
            if row is None:
                return False
            session.delete(row)
            session.add(audit_row(AuditAction.PIN_RESET, clinician, detail=detail))
            return True


def _wait_message(seconds: int) -> str:
    if seconds >= 90:
        return f"Too many wrong PINs: try again in {(seconds + 59) // 60} minutes."
    return f"Too many wrong PINs: try again in {seconds} seconds."
