"""payment plans created and modified at the counter

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
