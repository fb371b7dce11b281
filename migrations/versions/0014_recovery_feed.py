"""recovery cases and their timelines received on the sync feed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_feed_cases",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("recovered_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=True),
        sa.Column("next_action", sa.Text(), nullable=False),
        sa.Column("value_band", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("segments_text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_feed_cases")),
    )
    op.create_index(
        "ix_recovery_feed_cases_consumer_id", "recovery_feed_cases", ["consumer_id"], unique=False
    )
    op.create_index(
        "ix_recovery_feed_cases_status", "recovery_feed_cases", ["status"], unique=False
    )
    op.create_table(
        "recovery_feed_timeline",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "position", name=op.f("pk_recovery_feed_timeline")),
    )


def downgrade() -> None:
    op.drop_table("recovery_feed_timeline")
    op.drop_index("ix_recovery_feed_cases_status", table_name="recovery_feed_cases")
    op.drop_index("ix_recovery_feed_cases_consumer_id", table_name="recovery_feed_cases")
    op.drop_table("recovery_feed_cases")
