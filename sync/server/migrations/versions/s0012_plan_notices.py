"""plan cancel reasons and notices

Revision ID: s0012
Revises: s0011
Create Date: 2026-12-05
"""

revision = "s0012"
down_revision = "s0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
