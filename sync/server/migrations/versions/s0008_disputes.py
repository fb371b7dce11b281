"""disputes and special circumstances

Revision ID: s0008
Revises: s0007
Create Date: 2026-12-05
"""

revision = "s0008"
down_revision = "s0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
