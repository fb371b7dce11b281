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
    # Nothing to change: a verified cross-terminal approval is kept in the payment's or credit
    # note's `data` (void_approval, verify_approval, decide_approval, apply_approval) and in
    # server_events; the record checks need no new columns.
    pass


def downgrade() -> None:
    pass
