"""quarantine reports: changes a counter could not apply, as it reported them

Revision ID: s0005
Revises: s0004
Create Date: 2026-12-04
"""

revision = "s0005"
down_revision = "s0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the counter-quarantine work


def downgrade() -> None:
    pass
