"""payment plans created at counters

Revision ID: s0007
Revises: s0006
Create Date: 2026-12-05
"""

revision = "s0007"
down_revision = "s0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
