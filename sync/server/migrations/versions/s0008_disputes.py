"""disputes and special circumstances; where a series without {TERM} starts

Revision ID: s0008
Revises: s0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "s0008"
down_revision = "s0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("consumer_id", sa.UUID(), nullable=False),
        sa.Column("account_number", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("subject_number", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index("ix_disputes_consumer_id", "disputes", ["consumer_id"])
    op.create_table(
        "consumer_circumstances",
        sa.Column("consumer_id", sa.UUID(), nullable=False),
        sa.Column("account_number", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer_id", name=op.f("pk_consumer_circumstances")),
    )
    op.create_table(
        "recovery_hold_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_hold_cursor")),
    )
    op.create_table(
        "number_series_starts",
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("first_value", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_value >= 1", name=op.f("ck_number_series_starts_positive")),
        sa.PrimaryKeyConstraint("series", "period", name=op.f("pk_number_series_starts")),
    )


def downgrade() -> None:
    op.drop_table("number_series_starts")
    op.drop_table("recovery_hold_cursor")
    op.drop_table("consumer_circumstances")
    op.drop_index("ix_disputes_consumer_id", table_name="disputes")
    op.drop_table("disputes")
