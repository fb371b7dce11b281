"""disputes and special circumstances the recovery service respects

Revision ID: r0010
Revises: r0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0010"
down_revision = "r0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_disputes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=8), nullable=False),
        sa.Column("subject_number", sa.String(length=48), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_disputes")),
    )
    op.create_index(
        "ix_recovery_disputes_consumer_status", "recovery_disputes", ["consumer_id", "status"]
    )
    op.create_index("ix_recovery_disputes_external_id", "recovery_disputes", ["external_id"])
    op.create_table(
        "recovery_circumstances",
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("circumstances", sa.JSON(), nullable=False),
        sa.Column("preferred_channel", sa.String(length=16), nullable=False),
        sa.Column("preferred_from", sa.String(length=5), nullable=False),
        sa.Column("preferred_until", sa.String(length=5), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("consumer_id", name=op.f("pk_recovery_circumstances")),
    )


def downgrade() -> None:
    op.drop_table("recovery_circumstances")
    op.drop_index("ix_recovery_disputes_external_id", table_name="recovery_disputes")
    op.drop_index("ix_recovery_disputes_consumer_status", table_name="recovery_disputes")
    op.drop_table("recovery_disputes")
