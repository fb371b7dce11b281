"""sites of terminals and users; failed sign-ins and registrations

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-04
"""

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the PIN-lockout work


def downgrade() -> None:
    pass
