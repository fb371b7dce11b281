"""discounts written off by the discount arm

Revision ID: r0014
Revises: r0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0014"
down_revision = "r0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a server default: existing cases have written nothing off.
    op.add_column(
        "recovery_cases",
        sa.Column("written_off_minor", sa.BigInteger(), nullable=False, server_default="0"),
    )
    # A payment link asks for the discounted price: what it took off, so the price is checked.
    op.add_column(
        "recovery_payment_links",
        sa.Column("discount_minor", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_table(
        "recovery_write_offs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("owed_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=True),
        sa.Column("variant", sa.String(length=64), nullable=True),
        sa.Column("segment", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=64), nullable=False),
        sa.Column("written_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_write_offs_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_write_offs")),
    )
    op.create_index("ix_recovery_write_offs_case", "recovery_write_offs", ["case_id"], unique=True)
    op.create_index("ix_recovery_write_offs_experiment", "recovery_write_offs", ["experiment_id"])


def downgrade() -> None:
    op.drop_index("ix_recovery_write_offs_experiment", table_name="recovery_write_offs")
    op.drop_index("ix_recovery_write_offs_case", table_name="recovery_write_offs")
    op.drop_table("recovery_write_offs")
    with op.batch_alter_table("recovery_payment_links") as batch:
        batch.drop_column("discount_minor")
    with op.batch_alter_table("recovery_cases") as batch:
        batch.drop_column("written_off_minor")
