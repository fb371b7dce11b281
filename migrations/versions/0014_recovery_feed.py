"""recovery cases and their timelines received on the sync feed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
