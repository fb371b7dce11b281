"""case notes and manual escalations (placeholder)

Revision ID: r0008
Revises: r0007
Create Date: 2026-12-05
"""

revision = "r0008"
down_revision = "r0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
