"""discounts written off by the discount arm

Revision ID: r0014
Revises: r0013
Create Date: 2026-12-05
"""

revision = "r0014"
down_revision = "r0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
