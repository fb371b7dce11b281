"""case notes and manual escalations

Revision ID: r0008
Revises: r0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0008"
down_revision = "r0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_case_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_case_actions_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_case_actions")),
    )
    with op.batch_alter_table("recovery_case_actions", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_case_actions_case_at", ["case_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recovery_case_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_case_actions_case_at")
    op.drop_table("recovery_case_actions")
