"""disputes and special circumstances the recovery service respects

Revision ID: r0010
Revises: r0009
Create Date: 2026-12-05
"""

revision = "r0010"
down_revision = "r0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
