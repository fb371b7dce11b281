"""server flags resolved from the counter: when and how a supervisor resolved one

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("resolution_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_flags", schema=None) as batch_op:
        batch_op.drop_column("resolution_json")
        batch_op.drop_column("resolution")
        batch_op.drop_column("resolved_at")
