"""trust boundary: quarantine reports from counters, approvals of cross-terminal changes

Revision ID: s0004
Revises: s0003
Create Date: 2026-12-04
"""

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the server-validation work


def downgrade() -> None:
    pass
