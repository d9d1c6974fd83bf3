"""Decision-aid content: guideline positions, care pathway, glossary, FAQ; flags and seed context.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("plain_answer", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq")),
    )
    op.create_table(
        "glossary_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("plain_definition", sa.Text(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("treatment_slugs", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossary_entry")),
    )
    op.create_table(
        "pathway_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("plain_title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("plain_description", sa.Text(), nullable=False),
        sa.Column("escalation_criteria", sa.JSON(), nullable=False),
        sa.Column("treatment_slugs", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_step")),
        sa.UniqueConstraint("step", name=op.f("uq_pathway_step_step")),
    )
    op.create_table(
        "faq_source",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["faq.id"], name=op.f("fk_faq_source_owner_id_faq"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_faq_source_source_id_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "source_id", name=op.f("pk_faq_source")),
    )
    op.create_table(
        "guideline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_guideline_treatment_id_treatment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline")),
    )
    with op.batch_alter_table("guideline", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guideline_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "pathway_step_source",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["pathway_step.id"],
            name=op.f("fk_pathway_step_source_owner_id_pathway_step"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_pathway_step_source_source_id_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "source_id", name=op.f("pk_pathway_step_source")),
    )
    op.create_table(
        "guideline_source",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["guideline.id"],
            name=op.f("fk_guideline_source_owner_id_guideline"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_guideline_source_source_id_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "source_id", name=op.f("pk_guideline_source")),
    )

    # Decision-aid content added after the evidence core: flags and seed context.
    with op.batch_alter_table("kb_meta") as batch_op:
        batch_op.add_column(sa.Column("authorship", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("reading_level", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("source") as batch_op:
        batch_op.add_column(
            sa.Column("industry_link", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("treatment") as batch_op:
        batch_op.add_column(sa.Column("synonyms", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("harm") as batch_op:
        batch_op.add_column(
            sa.Column("serious", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("statistic") as batch_op:
        batch_op.add_column(sa.Column("seed_claim", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("verdict", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statistic") as batch_op:
        batch_op.drop_column("verdict")
        batch_op.drop_column("seed_claim")
    with op.batch_alter_table("harm") as batch_op:
        batch_op.drop_column("serious")
    with op.batch_alter_table("treatment") as batch_op:
        batch_op.drop_column("synonyms")
    with op.batch_alter_table("source") as batch_op:
        batch_op.drop_column("industry_link")
    with op.batch_alter_table("kb_meta") as batch_op:
        batch_op.drop_column("reading_level")
        batch_op.drop_column("authorship")
    op.drop_table("guideline_source")
    op.drop_table("pathway_step_source")
    with op.batch_alter_table("guideline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guideline_treatment_id"))

    op.drop_table("guideline")
    op.drop_table("faq_source")
    op.drop_table("pathway_step")
    op.drop_table("glossary_entry")
    op.drop_table("faq")
