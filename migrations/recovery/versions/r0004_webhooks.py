"""Outgoing webhooks: endpoints, events, deliveries.

Revision ID: r0004
Revises: r0003
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_webhook_endpoints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kinds", sa.Text(), nullable=False),
        sa.Column("secret_ref", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("deactivated_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_webhook_endpoints")),
    )
    op.create_table(
        "recovery_webhook_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_webhook_events")),
    )
    op.create_index(
        "ix_recovery_webhook_events_created_at",
        "recovery_webhook_events",
        ["created_at"],
        unique=False,
    )
    op.create_table(
        "recovery_webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("endpoint_id", sa.String(length=36), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("next_at", UtcDateTime(), nullable=True),
        sa.Column("tried_at", UtcDateTime(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["recovery_webhook_endpoints.id"],
            name=op.f("fk_recovery_webhook_deliveries_endpoint_id_recovery_webhook_endpoints"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["recovery_webhook_events.id"],
            name=op.f("fk_recovery_webhook_deliveries_event_id_recovery_webhook_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_webhook_deliveries")),
    )
    op.create_index(
        "ix_recovery_webhook_deliveries_event",
        "recovery_webhook_deliveries",
        ["event_id"],
        unique=False,
    )
    op.create_index(
        "ix_recovery_webhook_deliveries_outcome_next",
        "recovery_webhook_deliveries",
        ["outcome", "next_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("recovery_webhook_deliveries")
    op.drop_table("recovery_webhook_events")
    op.drop_table("recovery_webhook_endpoints")
