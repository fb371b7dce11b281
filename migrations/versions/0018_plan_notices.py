"""plan cancel reasons and notices on the counter

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Why a plan was cancelled travels with the plan on the feed (the server keeps it in the
    # plan's data), so every counter's plan screen can say it, not only the audit log.
    op.add_column("payment_plans", sa.Column("cancel_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # SQLite drops a plain column in place (3.35+): no table copy (see 0015).
    op.execute("ALTER TABLE payment_plans DROP COLUMN cancel_reason")
