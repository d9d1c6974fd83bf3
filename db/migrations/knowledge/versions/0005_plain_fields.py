"""Plain-language fields for everything plain mode shows.

Treatments: plain_delivered_by, plain_course, plain_duration_of_effect, plain_regulatory_note;
harms: plain_frequency; guidelines: plain_text (the plain position); findings:
plain_timepoint; pathway steps: plain_escalation_criteria.

Existing rows keep their data. The new text columns start empty ('' or, for the plain
regulatory note, NULL): a knowledge base built from shipped content is rebuilt at the next
start; one a clinic imported shows "No plain wording yet" in plain mode until a file with
the plain fields is imported (plain mode never falls back to clinician wording).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY = sa.text("''")
_TEXT_COLUMNS = {
    "treatment": ("plain_delivered_by", "plain_course", "plain_duration_of_effect"),
    "harm": ("plain_frequency",),
    "guideline": ("plain_text",),
    "finding": ("plain_timepoint",),
}


def upgrade() -> None:
    for table, columns in _TEXT_COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.add_column(
                    sa.Column(column, sa.Text(), nullable=False, server_default=_EMPTY)
                )
            if table == "treatment":
                batch_op.add_column(sa.Column("plain_regulatory_note", sa.Text(), nullable=True))
    with op.batch_alter_table("pathway_step") as batch_op:
        batch_op.add_column(
            sa.Column(
                "plain_escalation_criteria",
                sa.JSON(),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("pathway_step") as batch_op:
        batch_op.drop_column("plain_escalation_criteria")
    for table, columns in reversed(_TEXT_COLUMNS.items()):
        with op.batch_alter_table(table) as batch_op:
            if table == "treatment":
                batch_op.drop_column("plain_regulatory_note")
            for column in reversed(columns):
                batch_op.drop_column(column)
