"""Payment-method alerts: rule overrides, alerts, alert events, charge volume, cost rates.

Revision ID: r0003
Revises: r0002
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_alert_rules",
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("warning", sa.Float(), nullable=False),
        sa.Column("critical", sa.Float(), nullable=False),
        sa.Column("min_sample", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("clear_margin", sa.Float(), nullable=False),
        sa.Column("clear_after", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "scope", name=op.f("pk_recovery_alert_rules")),
    )
    op.create_table(
        "recovery_alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("open_key", sa.String(length=96), nullable=True),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("sample", sa.Integer(), nullable=False),
        sa.Column("clear_streak", sa.Integer(), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.Column("escalated_at", UtcDateTime(), nullable=True),
        sa.Column("cleared_at", UtcDateTime(), nullable=True),
        sa.Column("evaluated_at", UtcDateTime(), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_alerts")),
        sa.UniqueConstraint("open_key", name=op.f("uq_recovery_alerts_open_key")),
    )
    op.create_index("ix_recovery_alerts_raised_at", "recovery_alerts", ["raised_at"])
    op.create_table(
        "recovery_alert_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("sample", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_alert_events")),
    )
    op.create_index("ix_recovery_alert_events_alert_id", "recovery_alert_events", ["alert_id"])
    op.create_index("ix_recovery_alert_events_at", "recovery_alert_events", ["at"])
    op.create_table(
        "recovery_charge_volumes",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("charges", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "method", "gateway", name=op.f("pk_recovery_charge_volumes")
        ),
    )
    op.create_table(
        "recovery_cost_rates",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("cost_minor", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_recovery_cost_rates")),
    )


def downgrade() -> None:
    op.drop_table("recovery_cost_rates")
    op.drop_table("recovery_charge_volumes")
    op.drop_index("ix_recovery_alert_events_at", table_name="recovery_alert_events")
    op.drop_index("ix_recovery_alert_events_alert_id", table_name="recovery_alert_events")
    op.drop_table("recovery_alert_events")
    op.drop_index("ix_recovery_alerts_raised_at", table_name="recovery_alerts")
    op.drop_table("recovery_alerts")
    op.drop_table("recovery_alert_rules")
