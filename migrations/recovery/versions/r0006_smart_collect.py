"""Smart Collect: observed credits, segment configurations, escalations, forecasts.

Revision ID: r0006
Revises: r0005
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_credits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("credited_on", sa.String(length=10), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=True),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_credits")),
        sa.UniqueConstraint(
            "consumer_id", "credited_on", "amount_minor", "source",
            name=op.f("uq_recovery_credits_consumer_id_credited_on_amount_minor_source"),
        ),
    )  # fmt: skip
    op.create_index(
        "ix_recovery_credits_consumer_on", "recovery_credits", ["consumer_id", "credited_on"]
    )
    op.create_table(
        "recovery_segment_configs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("segment", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_segment_configs")),
        sa.UniqueConstraint(
            "segment", "version", name=op.f("uq_recovery_segment_configs_segment_version")
        ),
    )
    op.create_table(
        "recovery_escalations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("action", sa.String(length=96), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["recovery_cases.id"],
            name=op.f("fk_recovery_escalations_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_escalations")),
        sa.UniqueConstraint("case_id", "rule", name=op.f("uq_recovery_escalations_case_id_rule")),
    )  # fmt: skip
    op.create_index(
        "ix_recovery_escalations_state_due", "recovery_escalations", ["state", "due_at"]
    )
    op.create_table(
        "recovery_forecasts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("made_on", sa.String(length=10), nullable=False),
        sa.Column("made_at", UtcDateTime(), nullable=False),
        sa.Column("for_date", sa.String(length=10), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["recovery_cases.id"],
            name=op.f("fk_recovery_forecasts_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_forecasts")),
        sa.UniqueConstraint(
            "case_id", "made_on", name=op.f("uq_recovery_forecasts_case_id_made_on")
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("recovery_forecasts")
    op.drop_index("ix_recovery_escalations_state_due", table_name="recovery_escalations")
    op.drop_table("recovery_escalations")
    op.drop_table("recovery_segment_configs")
    op.drop_index("ix_recovery_credits_consumer_on", table_name="recovery_credits")
    op.drop_table("recovery_credits")
