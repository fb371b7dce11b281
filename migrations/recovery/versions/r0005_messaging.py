"""Reminders: contact points, consents and opt-outs, message events, payment links (placeholder).

Revision ID: r0005
Revises: r0004
Create Date: 2026-12-05 00:00:00
"""

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
