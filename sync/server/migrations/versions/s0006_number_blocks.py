"""number blocks leased to counters (placeholder)

Revision ID: s0006
Revises: s0005
Create Date: 2026-12-05
"""

revision = "s0006"
down_revision = "s0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
