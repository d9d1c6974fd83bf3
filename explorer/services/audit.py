"""The audit log of the clinic database: who did what to which consult, and when.

Append-only (the database refuses UPDATE and DELETE on ``audit_event``). Each action is
written once, in the same transaction as the change it records where there is one.
Rows carry the clinician's name and this PC's name; never note text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from explorer.store.backend import writer
from explorer.store.clinic_models import AuditEventRow


class AuditAction(StrEnum):
    CONSULT_STARTED = "consult started"
    CONSULT_OPENED = "consult opened"
    CONSULT_EDITED = "consult edited"
    CONSULT_EXPORTED = "consult exported"
    CONSULT_PRINTED = "consult printed"
    CONSULT_DELETED = "consult deleted"
    CONSULT_RESTORED = "consult restored"
    PATIENT_MODE_ENTERED = "patient mode entered"
    PATIENT_MODE_LEFT = "patient mode left"
    CLINICIAN_LOCKED = "clinician mode locked"
    CLINICIAN_UNLOCKED = "clinician mode unlocked"
    WRONG_PIN = "wrong PIN"
    PIN_SET = "PIN set"
    PIN_RESET = "PIN reset"
    AUDIT_EXPORTED = "audit log exported"
    BACKUP_MADE = "backup made"
    RESTORED_FROM_BACKUP = "restored from backup"
    DATABASE_COPIED = "database copied"


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    action: str
    clinician: str
    workstation: str
    consult_id: int | None
    detail: str


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def workstation_name() -> str:
    """This PC's name (from the OS; no network lookup)."""
    return platform.node()[:120]


def audit_row(
    action: AuditAction, clinician: str, consult_id: int | None = None, detail: str = ""
) -> AuditEventRow:
    """A row to add inside the caller's transaction."""
    return AuditEventRow(
        at=now_utc(),
        action=action.value,
        clinician=clinician.strip()[:120],
        workstation=workstation_name(),
        consult_id=consult_id,
        detail=detail,
    )


class AuditLog:
    def __init__(self, clinic: Engine) -> None:
        self._engine = clinic
        self._writer = writer(clinic)

    def record(
        self,
        action: AuditAction,
        clinician: str,
        consult_id: int | None = None,
        detail: str = "",
    ) -> None:
        with Session(self._writer) as session, session.begin():
            session.add(audit_row(action, clinician, consult_id, detail))

    def events(self, *, consult_id: int | None = None, limit: int = 10_000) -> list[AuditEvent]:
        """Newest first."""
        query = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
        if consult_id is not None:
            query = query.where(AuditEventRow.consult_id == consult_id)
        with Session(self._engine) as session:
            return [
                AuditEvent(r.id, r.at, r.action, r.clinician, r.workstation, r.consult_id, r.detail)
                for r in session.scalars(query)
            ]


CSV_HEADER = ("id", "time (UTC)", "action", "clinician", "workstation", "consult", "detail")


def events_csv(events: Sequence[AuditEvent]) -> str:
    """The events as CSV (oldest first), for the record."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in sorted(events, key=lambda e: e.id):
        writer.writerow(
            (
                e.id,
                e.at.isoformat(sep=" "),
                e.action,
                e.clinician,
                e.workstation,
                "" if e.consult_id is None else e.consult_id,
                e.detail,
            )
        )
    return out.getvalue()
