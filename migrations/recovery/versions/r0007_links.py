"""Payment links: issued links, their uses and payments.

Revision ID: r0007
Revises: r0006
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0007"
down_revision = "r0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_payment_links",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=True),
        sa.Column("checkout_at", UtcDateTime(), nullable=True),
        sa.Column("checkout_session", sa.String(length=128), nullable=True),
        sa.Column("checkout_url", sa.Text(), nullable=True),
        sa.Column("plan_requested_at", UtcDateTime(), nullable=True),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        sa.Column("payment_reference", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_payment_links_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_recovery_payment_links")),
        sa.UniqueConstraint(
            "checkout_session", name=op.f("uq_recovery_payment_links_checkout_session")
        ),
    )
    with op.batch_alter_table("recovery_payment_links", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_payment_links_case_id", ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recovery_payment_links", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_payment_links_case_id")
    op.drop_table("recovery_payment_links")
