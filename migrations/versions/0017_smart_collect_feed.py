"""Smart Collect and escalation steps published to counters

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # What a discount offer wrote off a synced case (recovery r0014): the counter shows it.
    with op.batch_alter_table("recovery_feed_cases") as batch:
        batch.add_column(
            sa.Column("written_off_minor", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.create_table(
        "smart_collect_feed_views",
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("view_json", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("consumer_id", name=op.f("pk_smart_collect_feed_views")),
    )
    op.create_table(
        "smart_collect_feed_case_facts",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("recovered", sa.Boolean(), nullable=False),
        sa.Column("recovered_at", sa.DateTime(), nullable=True),
        sa.Column("charges_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_smart_collect_feed_case_facts")),
    )
    op.create_index(
        "ix_smart_collect_feed_case_facts_consumer_id",
        "smart_collect_feed_case_facts",
        ["consumer_id"],
        unique=False,
    )
    op.create_table(
        "smart_collect_feed_steps",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("action", sa.String(length=96), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_smart_collect_feed_steps")),
    )
    op.create_index(
        "ix_smart_collect_feed_steps_case_id", "smart_collect_feed_steps", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_smart_collect_feed_steps_case_id", table_name="smart_collect_feed_steps")
    op.drop_table("smart_collect_feed_steps")
    op.drop_index(
        "ix_smart_collect_feed_case_facts_consumer_id", table_name="smart_collect_feed_case_facts"
    )
    op.drop_table("smart_collect_feed_case_facts")
    op.drop_table("smart_collect_feed_views")
    with op.batch_alter_table("recovery_feed_cases") as batch:
        batch.drop_column("written_off_minor")
