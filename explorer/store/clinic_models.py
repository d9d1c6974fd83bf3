"""SQLAlchemy tables of the clinic database: the data a clinic must never lose.

Kept in a separate database file (and metadata) from the knowledge base, so a
knowledge-base rebuild or import can never touch it. Consults, notes and the
audit log arrive with their own revisions (see ``db/migrations/clinic``).
"""

from __future__ import annotations

from sqlalchemy import MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from explorer.store.models import NAMING


class ClinicBase(DeclarativeBase):
    """Declarative base of the clinic database (never the knowledge base)."""

    metadata = MetaData(naming_convention=NAMING)


class ClinicInfo(ClinicBase):
    """Key/value facts about this clinic database (created-at, installation id)."""

    __tablename__ = "clinic_info"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
