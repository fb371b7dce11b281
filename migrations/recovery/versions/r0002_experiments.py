"""A/B experiments: tests, variants, assignments, outcomes (placeholder).

Revision ID: r0002
Revises: r0001
Create Date: 2026-12-05 00:00:00
"""

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
