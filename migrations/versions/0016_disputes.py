"""disputes and special circumstances

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("consumer_id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=8), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("bill_id", sa.Uuid(), nullable=True),
        sa.Column("subject_number", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=1000), nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("subject IN ('payment', 'bill')", name=op.f("ck_disputes_subject")),
        sa.CheckConstraint(
            "status IN ('open', 'under_review', 'resolved', 'rejected')",
            name=op.f("ck_disputes_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index("ix_disputes_consumer_opened", "disputes", ["consumer_id", "opened_at"])
    op.create_index("ix_disputes_payment", "disputes", ["payment_id"])
    op.create_index("ix_disputes_bill", "disputes", ["bill_id"])
    op.create_table(
        "consumer_circumstances",
        sa.Column("consumer_id", sa.Uuid(), nullable=False),
        sa.Column("circumstances", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("preferred_channel", sa.String(length=16), nullable=False),
        sa.Column("preferred_from", sa.String(length=5), nullable=False),
        sa.Column("preferred_until", sa.String(length=5), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("consumer_id", name=op.f("pk_consumer_circumstances")),
    )


def downgrade() -> None:
    op.drop_table("consumer_circumstances")
    op.drop_index("ix_disputes_bill", table_name="disputes")
    op.drop_index("ix_disputes_payment", table_name="disputes")
    op.drop_index("ix_disputes_consumer_opened", table_name="disputes")
    op.drop_table("disputes")
