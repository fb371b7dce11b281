"""Smart Collect and escalation steps published to counters

Revision ID: s0010
Revises: s0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "s0010"
down_revision = "s0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "smart_collect_feed_published",
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entity", "key", name=op.f("pk_smart_collect_feed_published")),
    )
    op.create_index(
        "ix_smart_collect_feed_published_age",
        "smart_collect_feed_published",
        ["entity", "published_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_smart_collect_feed_published_age", table_name="smart_collect_feed_published")
    op.drop_table("smart_collect_feed_published")
