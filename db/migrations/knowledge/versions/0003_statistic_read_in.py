"""Statistics name the secondary summary a figure was read in (statistic.read_in_source_id).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("statistic") as batch_op:
        batch_op.add_column(sa.Column("read_in_source_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_statistic_read_in_source_id_source"),
            "source",
            ["read_in_source_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("statistic") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_statistic_read_in_source_id_source"), type_="foreignkey"
        )
        batch_op.drop_column("read_in_source_id")
