"""engine: partial amounts, experiment arms and recovery-odds scores

Revision ID: r0011
Revises: r0010
Create Date: 2026-12-05
"""

revision = "r0011"
down_revision = "r0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
