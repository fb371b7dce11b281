"""Payment links: issued links, their uses and payments (placeholder).

Revision ID: r0007
Revises: r0006
Create Date: 2026-12-05 00:00:00
"""

revision = "r0007"
down_revision = "r0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
