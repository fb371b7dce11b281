"""engine: partial amounts, experiment arms and recovery-odds scores

Revision ID: r0011
Revises: r0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "r0011"
down_revision = "r0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The recovery model's odds for the whole case, stored beside the approval likelihood.
    op.add_column("recovery_decisions", sa.Column("recovery_score", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recovery_decisions") as batch:
        batch.drop_column("recovery_score")
