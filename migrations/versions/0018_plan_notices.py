"""plan cancel reasons and notices on the counter

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
