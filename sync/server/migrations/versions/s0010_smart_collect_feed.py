"""Smart Collect and escalation steps published to counters

Revision ID: s0010
Revises: s0009
Create Date: 2026-12-05
"""

revision = "s0010"
down_revision = "s0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
