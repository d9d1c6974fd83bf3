"""Plain treatment names, plain statistic labels and populations, plain FAQ questions.

Treatments: plain_name; statistics: plain_label, plain_population; FAQ entries:
plain_question.

Existing rows keep their data. The new columns start empty: a knowledge base built from
shipped content is rebuilt at the next start; one a clinic imported shows "No plain wording
yet" in plain mode until a file with the plain fields is imported (plain mode never falls
back to clinician wording).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY = sa.text("''")
_TEXT_COLUMNS = {
    "treatment": ("plain_name",),
    "statistic": ("plain_label", "plain_population"),
    "faq": ("plain_question",),
}


def upgrade() -> None:
    for table, columns in _TEXT_COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.add_column(
                    sa.Column(column, sa.Text(), nullable=False, server_default=_EMPTY)
                )


def downgrade() -> None:
    for table, columns in reversed(_TEXT_COLUMNS.items()):
        with op.batch_alter_table(table) as batch_op:
            for column in reversed(columns):
                batch_op.drop_column(column)
