"""payment plans offered by the recovery service

Revision ID: s0011
Revises: s0010
Create Date: 2026-12-05
"""

revision = "s0011"
down_revision = "s0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
