"""payment plans created and modified at the counter

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The plan's terms travel with it on the feed, so every counter can show and modify them.
# All nullable: plans the server loaded before counters could make plans have no terms.
_COLUMNS = (
    ("total_minor", sa.Integer()),
    ("down_payment_minor", sa.Integer()),
    ("installment_count", sa.Integer()),
    ("frequency", sa.String(length=16)),
    ("note", sa.String(length=500)),
    ("created_by", sa.String(length=40)),
    ("modified_by", sa.String(length=40)),
    ("modified_at", sa.DateTime()),
    ("version", sa.Integer()),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("payment_plans", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    # SQLite drops a plain column in place (3.35+): no table copy, so the installments'
    # foreign key to payment_plans never sees the table go.
    for name, _ in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE payment_plans DROP COLUMN {name}")
