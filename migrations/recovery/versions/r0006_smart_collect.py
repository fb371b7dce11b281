"""Segments, segment configurations, escalations and Smart Collect schedules (placeholder).

Revision ID: r0006
Revises: r0005
Create Date: 2026-12-05 00:00:00
"""

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
