"""payment plans offered from a recovery case

Revision ID: r0012
Revises: r0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0012"
down_revision = "r0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_plan_offers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("down_payment_minor", sa.BigInteger(), nullable=False),
        sa.Column("installment_count", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_by", sa.String(length=64), nullable=False),
        sa.Column("offered_at", UtcDateTime(), nullable=False),
        sa.Column("accepted_at", UtcDateTime(), nullable=True),
        sa.Column("accepted_by", sa.String(length=120), nullable=True),
        sa.Column("accepted_channel", sa.String(length=16), nullable=True),
        sa.Column("acceptance_text", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("plan_number", sa.String(length=32), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("total_minor > 0", name=op.f("ck_recovery_plan_offers_total_positive")),
        sa.CheckConstraint(
            "installment_count >= 1", name=op.f("ck_recovery_plan_offers_count_positive")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_plan_offers_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_plan_offers")),
        sa.UniqueConstraint("plan_number", name=op.f("uq_recovery_plan_offers_plan_number")),
    )
    with op.batch_alter_table("recovery_plan_offers", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_plan_offers_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_recovery_plan_offers_status", ["status"], unique=False)

    op.create_table(
        "recovery_plan_case_links",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("offer_id", sa.String(length=36), nullable=False),
        sa.Column("origin_case_id", sa.String(length=64), nullable=False),
        sa.Column("linked_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_plan_case_links_case_id_recovery_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["recovery_plan_offers.id"],
            name=op.f("fk_recovery_plan_case_links_offer_id_recovery_plan_offers"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_recovery_plan_case_links")),
    )
    with op.batch_alter_table("recovery_plan_case_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recovery_plan_case_links_origin_case_id", ["origin_case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recovery_plan_case_links", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_plan_case_links_origin_case_id")
    op.drop_table("recovery_plan_case_links")
    with op.batch_alter_table("recovery_plan_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_plan_offers_status")
        batch_op.drop_index("ix_recovery_plan_offers_case_id")
    op.drop_table("recovery_plan_offers")
