"""payment plans offered from a recovery case

Revision ID: r0012
Revises: r0011
Create Date: 2026-12-05
"""

revision = "r0012"
down_revision = "r0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
