"""number blocks leased from the central server

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_blocks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("first_value", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.Column("next_value", sa.Integer(), nullable=False),
        sa.Column("leased_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "next_value >= first_value AND next_value <= last_value + 1",
            name=op.f("ck_number_blocks_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_blocks")),
    )
    op.create_index(
        "ix_number_blocks_series_period",
        "number_blocks",
        ["series", "period", "first_value"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_number_blocks_series_period", table_name="number_blocks")
    op.drop_table("number_blocks")
