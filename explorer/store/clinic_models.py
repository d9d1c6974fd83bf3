"""SQLAlchemy tables of the clinic database: the data a clinic must never lose.

Kept in a separate database file (and metadata) from the knowledge base, so a
knowledge-base rebuild or import can never touch it. Consults, notes and the
audit log arrive with their own revisions (see ``db/migrations/clinic``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from explorer.store.naming import NAMING


class ClinicBase(DeclarativeBase):
    """Declarative base of the clinic database (never the knowledge base)."""

    metadata = MetaData(naming_convention=NAMING)


class ClinicInfo(ClinicBase):
    """Key/value facts about this clinic database (created-at, installation id)."""

    __tablename__ = "clinic_info"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ConsultRow(ClinicBase):
    """One consultation: what was compared, what matters to the patient, notes and plan.

    ``version`` grows with every save (optimistic locking); ``deleted_at`` marks a consult
    deleted with undo still possible. Health information: stays in this file only.
    """

    __tablename__ = "consult"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    consult_date: Mapped[dt.date] = mapped_column(Date, index=True)
    patient_label: Mapped[str] = mapped_column(String(120), default="", index=True)
    clinician: Mapped[str] = mapped_column(String(120), default="")
    condition_slug: Mapped[str | None] = mapped_column(String(80), index=True)
    treatment_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    priorities: Mapped[list[str]] = mapped_column(JSON, default=list)
    priorities_note: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(20), default="undecided")
    chosen_treatment: Mapped[str | None] = mapped_column(String(80))
    follow_up_of: Mapped[int | None] = mapped_column(ForeignKey("consult.id", ondelete="SET NULL"))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ClinicianAccessRow(ClinicBase):
    """The clinician PIN of this clinic database: one row, a salted scrypt hash only.

    ``failed_attempts`` and ``blocked_until`` make the wrong-PIN back-off survive a restart.
    """

    __tablename__ = "clinician_access"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    pin_hash: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEventRow(ClinicBase):
    """One audited action. Append-only: triggers refuse UPDATE and DELETE (revision c0003)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    action: Mapped[str] = mapped_column(String(40))
    clinician: Mapped[str] = mapped_column(String(120), default="")
    workstation: Mapped[str] = mapped_column(String(120), default="")
    consult_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
