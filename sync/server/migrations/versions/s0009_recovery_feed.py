"""recovery cases published on the sync feed

Revision ID: s0009
Revises: s0008
Create Date: 2026-12-05
"""

revision = "s0009"
down_revision = "s0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
