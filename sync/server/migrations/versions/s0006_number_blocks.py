"""number blocks leased to counters

Revision ID: s0006
Revises: s0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "s0006"
down_revision = "s0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_blocks",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("terminal_id", sa.UUID(), nullable=False),
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("first_value", sa.BigInteger(), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.Column("leased_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "first_value >= 1 AND last_value >= first_value", name=op.f("ck_number_blocks_range")
        ),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_number_blocks_terminal_id_terminals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_blocks")),
        sa.UniqueConstraint("series", "period", "first_value", name="uq_number_blocks_first"),
        sa.UniqueConstraint("series", "period", "last_value", name="uq_number_blocks_last"),
    )
    op.create_index(
        "ix_number_blocks_terminal_id", "number_blocks", ["terminal_id", "series", "period"]
    )


def downgrade() -> None:
    op.drop_index("ix_number_blocks_terminal_id", table_name="number_blocks")
    op.drop_table("number_blocks")
