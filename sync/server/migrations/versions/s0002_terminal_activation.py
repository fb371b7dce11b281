"""terminals are active only after they prove they stored their token

Revision ID: s0002
Revises: s0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Terminals registered before this revision already hold their token: they stay active.
    op.add_column(
        "terminals", sa.Column("status", sa.Text(), server_default="active", nullable=False)
    )
    op.add_column("terminals", sa.Column("activated_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE terminals SET activated_at = registered_at")
    op.alter_column("terminals", "status", server_default="pending")
    op.create_check_constraint(
        op.f("ck_terminals_status"), "terminals", "status IN ('pending', 'active')"
    )


def downgrade() -> None:
    # A terminal that never confirmed has no token on its counter: it must not become usable.
    op.execute("DELETE FROM terminals WHERE status = 'pending' AND activated_at IS NULL")
    op.drop_constraint(op.f("ck_terminals_status"), "terminals", type_="check")
    op.drop_column("terminals", "activated_at")
    op.drop_column("terminals", "status")
