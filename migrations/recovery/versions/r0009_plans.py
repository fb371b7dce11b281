"""payment plans offered by recovery and their installments (placeholder)

Revision ID: r0009
Revises: r0008
Create Date: 2026-12-05
"""

revision = "r0009"
down_revision = "r0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
