"""payment plans offered by recovery, their installments and the payments applied to them

Revision ID: r0009
Revises: r0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0009"
down_revision = "r0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("plan_number", sa.String(length=32), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("down_payment_minor", sa.BigInteger(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("installment_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("base_recovered_minor", sa.BigInteger(), nullable=False),
        sa.Column("offered_by", sa.String(length=64), nullable=False),
        sa.Column("offered_at", UtcDateTime(), nullable=False),
        sa.Column("accepted_at", UtcDateTime(), nullable=True),
        sa.Column("accepted_channel", sa.String(length=16), nullable=True),
        sa.Column("accepted_by", sa.String(length=64), nullable=True),
        sa.Column("acceptance_text", sa.Text(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("total_minor > 0", name=op.f("ck_recovery_plans_total_positive")),
        sa.CheckConstraint(
            "down_payment_minor >= 0 AND down_payment_minor < total_minor",
            name=op.f("ck_recovery_plans_down_below_total"),
        ),
        sa.CheckConstraint("installment_count >= 1", name=op.f("ck_recovery_plans_count_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_plans_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_plans")),
        sa.UniqueConstraint("plan_number", name=op.f("uq_recovery_plans_plan_number")),
    )
    with op.batch_alter_table("recovery_plans", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_plans_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_recovery_plans_consumer_id", ["consumer_id"], unique=False)
        batch_op.create_index("ix_recovery_plans_status", ["status"], unique=False)

    op.create_table(
        "recovery_plan_installments",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("missed_at", UtcDateTime(), nullable=True),
        sa.Column("missed_case_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "amount_minor > 0", name=op.f("ck_recovery_plan_installments_amount_positive")
        ),
        sa.CheckConstraint(
            "number > 0", name=op.f("ck_recovery_plan_installments_number_positive")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["recovery_plans.id"],
            name=op.f("fk_recovery_plan_installments_plan_id_recovery_plans"),
        ),
        sa.PrimaryKeyConstraint("plan_id", "number", name=op.f("pk_recovery_plan_installments")),
    )
    with op.batch_alter_table("recovery_plan_installments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recovery_plan_installments_status_due", ["status", "due_date"], unique=False
        )

    op.create_table(
        "recovery_plan_payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=160), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "amount_minor > 0", name=op.f("ck_recovery_plan_payments_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["recovery_plans.id"],
            name=op.f("fk_recovery_plan_payments_plan_id_recovery_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_plan_payments")),
        sa.UniqueConstraint(
            "reference", "number", name=op.f("uq_recovery_plan_payments_reference_number")
        ),
    )
    with op.batch_alter_table("recovery_plan_payments", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_plan_payments_plan_id", ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recovery_plan_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_plan_payments_plan_id")
    op.drop_table("recovery_plan_payments")
    with op.batch_alter_table("recovery_plan_installments", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_plan_installments_status_due")
    op.drop_table("recovery_plan_installments")
    with op.batch_alter_table("recovery_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_plans_status")
        batch_op.drop_index("ix_recovery_plans_consumer_id")
        batch_op.drop_index("ix_recovery_plans_case_id")
    op.drop_table("recovery_plans")
