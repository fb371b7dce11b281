"""indexes for the payments list filtered by channel or by cashier (dashboard drill-down)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_payments_channel_payment_date_recorded_at",
        "payments",
        ["channel", "payment_date", "recorded_at"],
    )
    op.create_index(
        "ix_payments_recorded_by_payment_date_recorded_at",
        "payments",
        ["recorded_by", "payment_date", "recorded_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_payments_recorded_by_payment_date_recorded_at", "payments")
    op.drop_index("ix_payments_channel_payment_date_recorded_at", "payments")
