"""Smart Collect and escalation steps published to counters

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""


def downgrade() -> None:
    """Placeholder: filled in by the work that owns this area."""
