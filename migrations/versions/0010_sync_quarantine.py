"""sync quarantine: pulled changes the counter could not apply, kept with the error

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the counter-quarantine work


def downgrade() -> None:
    pass
