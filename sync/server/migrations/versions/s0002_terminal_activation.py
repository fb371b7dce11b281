"""terminals are active only after they prove they stored their token

Revision ID: s0002
Revises: s0001
Create Date: 2026-12-04
"""

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the two-phase registration work


def downgrade() -> None:
    pass
