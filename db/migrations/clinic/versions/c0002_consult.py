"""Consults: compared treatments, what matters to the patient, notes, plan, decision.

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0002"
down_revision: str | None = "c0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consult",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("consult_date", sa.Date(), nullable=False),
        sa.Column("patient_label", sa.String(length=120), nullable=False),
        sa.Column("clinician", sa.String(length=120), nullable=False),
        sa.Column("condition_slug", sa.String(length=80), nullable=True),
        sa.Column("treatment_slugs", sa.JSON(), nullable=False),
        sa.Column("priorities", sa.JSON(), nullable=False),
        sa.Column("priorities_note", sa.Text(), nullable=False),
        sa.Column("notes_html", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("chosen_treatment", sa.String(length=80), nullable=True),
        sa.Column("follow_up_of", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_of"],
            ["consult.id"],
            name=op.f("fk_consult_follow_up_of_consult"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consult")),
    )
    with op.batch_alter_table("consult", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consult_condition_slug"), ["condition_slug"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consult_consult_date"), ["consult_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consult_patient_label"), ["patient_label"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("consult", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consult_patient_label"))
        batch_op.drop_index(batch_op.f("ix_consult_consult_date"))
        batch_op.drop_index(batch_op.f("ix_consult_condition_slug"))

    op.drop_table("consult")
