"""payment plans offered by the recovery service

Revision ID: s0011
Revises: s0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "s0011"
down_revision = "s0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_acceptances",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("accepted_by", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_by", sa.Text(), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["payment_plans.id"],
            name=op.f("fk_plan_acceptances_plan_id"),
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plan_acceptances")),
    )
    op.create_index("ix_plan_acceptances_case_id", "plan_acceptances", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_acceptances_case_id", table_name="plan_acceptances")
    op.drop_table("plan_acceptances")
