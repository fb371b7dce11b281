"""covering indexes for KPIs and dashboards

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_payments_dashboard",
        "payments",
        [
            "status",
            "payment_date",
            "method",
            "channel",
            "payment_type",
            "recorded_by",
            "amount_minor",
            "id",
        ],
    )
    op.drop_index("ix_payment_allocations_payment_id", "payment_allocations")
    op.create_index(
        "ix_payment_allocations_payment_id_reversal_of_collection_days",
        "payment_allocations",
        ["payment_id", "reversal_of", "collection_days"],
    )
    for table, column in (
        ("bills", "due_date"),
        ("service_charges", "service_date"),
        ("installments", "due_date"),
    ):
        op.drop_index(f"ix_{table}_{column}", table)
        op.create_index(f"ix_{table}_{column}_amount_minor", table, [column, "amount_minor"])


def downgrade() -> None:
    for table, column in (
        ("bills", "due_date"),
        ("service_charges", "service_date"),
        ("installments", "due_date"),
    ):
        op.drop_index(f"ix_{table}_{column}_amount_minor", table)
        op.create_index(f"ix_{table}_{column}", table, [column])
    op.drop_index(
        "ix_payment_allocations_payment_id_reversal_of_collection_days", "payment_allocations"
    )
    op.create_index("ix_payment_allocations_payment_id", "payment_allocations", ["payment_id"])
    op.drop_index("ix_payments_dashboard", "payments")
