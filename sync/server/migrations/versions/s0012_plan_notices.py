"""plan cancel reasons and notices

Revision ID: s0012
Revises: s0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "s0012"
down_revision = "s0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # When the plan round handed a notice to the recovery service (a milestone to message, a
    # cancellation closing its cases): NULL until it did, so a recovery database that was
    # down gets it on the next round. Notices recorded before this revision count as handed
    # over: a milestone reached long ago is not news to send now.
    op.add_column(
        "plan_notices", sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute("UPDATE plan_notices SET handed_over_at = occurred_at")
    op.create_index(
        "ix_plan_notices_waiting",
        "plan_notices",
        ["occurred_at"],
        postgresql_where=sa.text("handed_over_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_plan_notices_waiting", table_name="plan_notices")
    op.drop_column("plan_notices", "handed_over_at")
