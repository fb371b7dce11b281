"""Outgoing webhooks: endpoints, events, deliveries (placeholder).

Revision ID: r0004
Revises: r0003
Create Date: 2026-12-05 00:00:00
"""

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
