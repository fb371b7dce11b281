"""recovery cases published on the sync feed

Revision ID: s0009
Revises: s0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "s0009"
down_revision = "s0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_feed_cases",
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_recovery_feed_cases")),
    )
    op.create_table(
        "recovery_feed_cursors",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_recovery_feed_cursors")),
    )


def downgrade() -> None:
    op.drop_table("recovery_feed_cursors")
    op.drop_table("recovery_feed_cases")
