"""disputes and special circumstances

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
