"""Payment-method alerts and their state (placeholder).

Revision ID: r0003
Revises: r0002
Create Date: 2026-12-05 00:00:00
"""

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
