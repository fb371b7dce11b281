"""plan milestones and cancellations in the recovery service

Revision ID: r0013
Revises: r0012
Create Date: 2026-12-05
"""

revision = "r0013"
down_revision = "r0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
