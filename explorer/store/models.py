"""SQLAlchemy 2 ORM tables of the knowledge base (at the head revision).

The schema is changed only through Alembic revisions in ``db/migrations/knowledge``;
``tests/store/test_migrations.py`` proves the revisions produce exactly these tables.
Every list in the content keeps its order through a ``position`` column, so an
export reproduces the imported document exactly. Nothing here imports Qt.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class KnowledgeBase(DeclarativeBase):
    """Declarative base of the knowledge-base database (never the clinic database)."""

    metadata = MetaData(naming_convention=NAMING)


def _source_link(name: str, owner_table: str) -> type[KnowledgeBase]:
    """A link table from ``owner_table`` rows to their ordered sources."""
    attrs = {
        "__tablename__": name,
        "owner_id": mapped_column(
            ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True
        ),
        "source_id": mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), primary_key=True),
        "position": mapped_column(Integer, nullable=False),
        "__annotations__": {
            "owner_id": Mapped[int],
            "source_id": Mapped[int],
            "position": Mapped[int],
        },
    }
    return type(name.title().replace("_", ""), (KnowledgeBase,), attrs)


class KbMeta(KnowledgeBase):
    __tablename__ = "kb_meta"
    id: Mapped[int] = mapped_column(primary_key=True)
    kb_version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    last_reviewed: Mapped[dt.date] = mapped_column(Date)
    evidence_current_to: Mapped[str] = mapped_column(Text)
    update_policy: Mapped[str] = mapped_column(Text)
    funding: Mapped[str] = mapped_column(Text)
    conflicts_of_interest: Mapped[str] = mapped_column(Text)
    authorship: Mapped[str] = mapped_column(Text, default="")
    reading_level: Mapped[str] = mapped_column(Text, default="")
    disclaimer: Mapped[str] = mapped_column(Text)
    content_origin: Mapped[str] = mapped_column(String(400))
    content_fingerprint: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ConditionRow(KnowledgeBase):
    __tablename__ = "condition"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    plain_name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    plain_description: Mapped[str] = mapped_column(Text)


class SourceRow(KnowledgeBase):
    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    peer_reviewed: Mapped[bool] = mapped_column(Boolean)
    industry_link: Mapped[bool] = mapped_column(Boolean, default=False)
    citation: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    pmid: Mapped[str | None] = mapped_column(String(16))
    doi: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class TreatmentRow(KnowledgeBase):
    __tablename__ = "treatment"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    plain_name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    approach: Mapped[str] = mapped_column(String(20))
    invasiveness: Mapped[str] = mapped_column(String(30))
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    mechanism: Mapped[str] = mapped_column(Text)
    plain_mechanism: Mapped[str] = mapped_column(Text)
    plain_summary: Mapped[str] = mapped_column(Text)
    delivered_by: Mapped[str] = mapped_column(Text)
    plain_delivered_by: Mapped[str] = mapped_column(Text)
    patient_commitment: Mapped[str] = mapped_column(Text)
    onset_weeks_min: Mapped[float | None] = mapped_column(Float)
    onset_weeks_max: Mapped[float | None] = mapped_column(Float)
    course: Mapped[str] = mapped_column(Text)
    plain_course: Mapped[str] = mapped_column(Text)
    duration_of_effect: Mapped[str] = mapped_column(Text)
    plain_duration_of_effect: Mapped[str] = mapped_column(Text)
    duration_weeks_min: Mapped[float | None] = mapped_column(Float)
    duration_weeks_max: Mapped[float | None] = mapped_column(Float)
    timeframe_note: Mapped[str | None] = mapped_column(Text)
    regulatory_note: Mapped[str | None] = mapped_column(Text)
    plain_regulatory_note: Mapped[str | None] = mapped_column(Text)
    last_reviewed: Mapped[dt.date] = mapped_column(Date)

    condition_links: Mapped[list[TreatmentCondition]] = relationship(
        order_by="TreatmentCondition.position", cascade="all, delete-orphan"
    )
    harms: Mapped[list[HarmRow]] = relationship(
        order_by="HarmRow.position", cascade="all, delete-orphan"
    )
    guidelines: Mapped[list[GuidelineRow]] = relationship(
        order_by="GuidelineRow.position", cascade="all, delete-orphan"
    )
    findings: Mapped[list[FindingRow]] = relationship(
        order_by="FindingRow.position", cascade="all, delete-orphan", back_populates="treatment"
    )


class TreatmentCondition(KnowledgeBase):
    __tablename__ = "treatment_condition"
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatment.id", ondelete="CASCADE"), primary_key=True
    )
    condition_id: Mapped[int] = mapped_column(
        ForeignKey("condition.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)
    condition: Mapped[ConditionRow] = relationship()


HarmSource = _source_link("harm_source", "harm")
GuidelineSource = _source_link("guideline_source", "guideline")
FindingSource = _source_link("finding_source", "finding")
PathwaySource = _source_link("pathway_step_source", "pathway_step")
FaqSource = _source_link("faq_source", "faq")


class HarmRow(KnowledgeBase):
    __tablename__ = "harm"
    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatment.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    plain_description: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str] = mapped_column(Text)
    plain_frequency: Mapped[str] = mapped_column(Text)
    serious: Mapped[bool] = mapped_column(Boolean, default=False)
    sources: Mapped[list[SourceRow]] = relationship(
        secondary="harm_source",
        order_by=HarmSource.position,  # type: ignore[attr-defined]
    )


class GuidelineRow(KnowledgeBase):
    __tablename__ = "guideline"
    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatment.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    stance: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    plain_text: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[SourceRow]] = relationship(
        secondary="guideline_source",
        order_by=GuidelineSource.position,  # type: ignore[attr-defined]
    )


class FindingRow(KnowledgeBase):
    __tablename__ = "finding"
    __table_args__ = (
        # Catalog filtering: condition + minimum certainty, then the treatments that match.
        Index("ix_finding_condition_certainty", "condition_id", "certainty_rank", "treatment_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatment.id", ondelete="CASCADE"), index=True
    )
    condition_id: Mapped[int] = mapped_column(ForeignKey("condition.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(40))
    comparison: Mapped[str] = mapped_column(Text)
    certainty: Mapped[str] = mapped_column(String(20))
    certainty_rank: Mapped[int] = mapped_column(Integer)
    certainty_note: Mapped[str | None] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(20))
    effect: Mapped[str] = mapped_column(Text)
    plain_effect: Mapped[str] = mapped_column(Text)
    timepoint: Mapped[str] = mapped_column(Text)
    plain_timepoint: Mapped[str] = mapped_column(Text)
    timepoint_weeks: Mapped[float | None] = mapped_column(Float)
    est_measure: Mapped[str | None] = mapped_column(String(20))
    est_value: Mapped[float | None] = mapped_column(Float)
    est_ci_low: Mapped[float | None] = mapped_column(Float)
    est_ci_high: Mapped[float | None] = mapped_column(Float)
    est_scale: Mapped[str | None] = mapped_column(Text)
    est_better: Mapped[str | None] = mapped_column(String(10))
    est_mcid: Mapped[float | None] = mapped_column(Float)
    est_participants: Mapped[int | None] = mapped_column(Integer)
    est_studies: Mapped[int | None] = mapped_column(Integer)

    treatment: Mapped[TreatmentRow] = relationship(back_populates="findings")
    condition: Mapped[ConditionRow] = relationship()
    sources: Mapped[list[SourceRow]] = relationship(
        secondary="finding_source",
        order_by=FindingSource.position,  # type: ignore[attr-defined]
    )


class StatisticRow(KnowledgeBase):
    __tablename__ = "statistic"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    plain_label: Mapped[str] = mapped_column(Text)
    plain_population: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    value_low: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(Text)
    denominator: Mapped[str] = mapped_column(Text)
    of_people: Mapped[bool] = mapped_column(Boolean, default=True)
    population: Mapped[str] = mapped_column(Text)
    timeframe: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"))
    read_in_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("source.id", ondelete="RESTRICT")
    )
    note: Mapped[str | None] = mapped_column(Text)
    seed_claim: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[SourceRow] = relationship(foreign_keys=[source_id])
    read_in: Mapped[SourceRow | None] = relationship(foreign_keys=[read_in_source_id])


class PathwayStepRow(KnowledgeBase):
    __tablename__ = "pathway_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    step: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(Text)
    plain_title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    plain_description: Mapped[str] = mapped_column(Text)
    escalation_criteria: Mapped[list[str]] = mapped_column(JSON)
    plain_escalation_criteria: Mapped[list[str]] = mapped_column(JSON)
    treatment_slugs: Mapped[list[str]] = mapped_column(JSON)
    sources: Mapped[list[SourceRow]] = relationship(
        secondary="pathway_step_source",
        order_by=PathwaySource.position,  # type: ignore[attr-defined]
    )


class GlossaryRow(KnowledgeBase):
    __tablename__ = "glossary_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    term: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text)
    plain_definition: Mapped[str] = mapped_column(Text)
    synonyms: Mapped[list[str]] = mapped_column(JSON)
    treatment_slugs: Mapped[list[str]] = mapped_column(JSON)


class FaqRow(KnowledgeBase):
    __tablename__ = "faq"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    plain_question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    plain_answer: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[SourceRow]] = relationship(
        secondary="faq_source",
        order_by=FaqSource.position,  # type: ignore[attr-defined]
    )
