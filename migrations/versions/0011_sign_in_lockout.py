"""sign-in lockout: failed sign-ins per user and terminal

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the PIN-lockout work


def downgrade() -> None:
    pass
