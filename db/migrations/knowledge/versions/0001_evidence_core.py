"""Evidence core: conditions, sources, treatments, harms, findings, statistics.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "condition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("plain_name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("plain_description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condition")),
        sa.UniqueConstraint("slug", name=op.f("uq_condition_slug")),
    )
    op.create_table(
        "kb_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kb_version", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=False),
        sa.Column("evidence_current_to", sa.Text(), nullable=False),
        sa.Column("update_policy", sa.Text(), nullable=False),
        sa.Column("funding", sa.Text(), nullable=False),
        sa.Column("conflicts_of_interest", sa.Text(), nullable=False),
        sa.Column("disclaimer", sa.Text(), nullable=False),
        sa.Column("content_origin", sa.String(length=400), nullable=False),
        sa.Column("content_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_meta")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("peer_reviewed", sa.Boolean(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("pmid", sa.String(length=16), nullable=True),
        sa.Column("doi", sa.String(length=200), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
    )
    op.create_table(
        "treatment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("approach", sa.String(length=20), nullable=False),
        sa.Column("invasiveness", sa.String(length=30), nullable=False),
        sa.Column("mechanism", sa.Text(), nullable=False),
        sa.Column("plain_mechanism", sa.Text(), nullable=False),
        sa.Column("plain_summary", sa.Text(), nullable=False),
        sa.Column("delivered_by", sa.Text(), nullable=False),
        sa.Column("patient_commitment", sa.Text(), nullable=False),
        sa.Column("onset_weeks_min", sa.Float(), nullable=True),
        sa.Column("onset_weeks_max", sa.Float(), nullable=True),
        sa.Column("course", sa.Text(), nullable=False),
        sa.Column("duration_of_effect", sa.Text(), nullable=False),
        sa.Column("duration_weeks_min", sa.Float(), nullable=True),
        sa.Column("duration_weeks_max", sa.Float(), nullable=True),
        sa.Column("timeframe_note", sa.Text(), nullable=True),
        sa.Column("regulatory_note", sa.Text(), nullable=True),
        sa.Column("last_reviewed", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment")),
        sa.UniqueConstraint("slug", name=op.f("uq_treatment_slug")),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("comparison", sa.Text(), nullable=False),
        sa.Column("certainty", sa.String(length=20), nullable=False),
        sa.Column("certainty_rank", sa.Integer(), nullable=False),
        sa.Column("certainty_note", sa.Text(), nullable=True),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("effect", sa.Text(), nullable=False),
        sa.Column("plain_effect", sa.Text(), nullable=False),
        sa.Column("timepoint", sa.Text(), nullable=False),
        sa.Column("timepoint_weeks", sa.Float(), nullable=True),
        sa.Column("est_measure", sa.String(length=20), nullable=True),
        sa.Column("est_value", sa.Float(), nullable=True),
        sa.Column("est_ci_low", sa.Float(), nullable=True),
        sa.Column("est_ci_high", sa.Float(), nullable=True),
        sa.Column("est_scale", sa.Text(), nullable=True),
        sa.Column("est_better", sa.String(length=10), nullable=True),
        sa.Column("est_mcid", sa.Float(), nullable=True),
        sa.Column("est_participants", sa.Integer(), nullable=True),
        sa.Column("est_studies", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["condition.id"],
            name=op.f("fk_finding_condition_id_condition"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_finding_treatment_id_treatment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finding_condition_certainty",
            ["condition_id", "certainty_rank", "treatment_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_finding_treatment_id"), ["treatment_id"], unique=False)

    op.create_table(
        "harm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("plain_description", sa.Text(), nullable=False),
        sa.Column("frequency", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_harm_treatment_id_treatment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harm")),
    )
    with op.batch_alter_table("harm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harm_treatment_id"), ["treatment_id"], unique=False)

    op.create_table(
        "statistic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_low", sa.Float(), nullable=True),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("denominator", sa.Text(), nullable=False),
        sa.Column("population", sa.Text(), nullable=False),
        sa.Column("timeframe", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_statistic_source_id_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistic")),
        sa.UniqueConstraint("key", name=op.f("uq_statistic_key")),
    )
    op.create_table(
        "treatment_condition",
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["condition.id"],
            name=op.f("fk_treatment_condition_condition_id_condition"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_treatment_condition_treatment_id_treatment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "treatment_id", "condition_id", name=op.f("pk_treatment_condition")
        ),
    )
    op.create_table(
        "finding_source",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["finding.id"],
            name=op.f("fk_finding_source_owner_id_finding"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_finding_source_source_id_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "source_id", name=op.f("pk_finding_source")),
    )
    op.create_table(
        "harm_source",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["harm.id"], name=op.f("fk_harm_source_owner_id_harm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_harm_source_source_id_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "source_id", name=op.f("pk_harm_source")),
    )


def downgrade() -> None:
    op.drop_table("harm_source")
    op.drop_table("finding_source")
    op.drop_table("treatment_condition")
    op.drop_table("statistic")
    with op.batch_alter_table("harm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harm_treatment_id"))

    op.drop_table("harm")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_treatment_id"))
        batch_op.drop_index("ix_finding_condition_certainty")

    op.drop_table("finding")
    op.drop_table("treatment")
    op.drop_table("source")
    op.drop_table("kb_meta")
    op.drop_table("condition")
