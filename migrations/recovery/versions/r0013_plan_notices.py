"""plan milestones and cancellations in the recovery service

Revision ID: r0013
Revises: r0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0013"
down_revision = "r0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_plan_notices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("plan_number", sa.String(length=32), nullable=False),
        sa.Column("milestone", sa.String(length=16), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("consumer_name", sa.String(length=128), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reached_on", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("provider_id", sa.String(length=128), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("local_at", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_plan_notices")),
    )
    op.create_index(
        "ix_recovery_plan_notices_status_next", "recovery_plan_notices", ["status", "next_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_recovery_plan_notices_status_next", table_name="recovery_plan_notices")
    op.drop_table("recovery_plan_notices")
