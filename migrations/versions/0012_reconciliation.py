"""bank reconciliation: statements, lines and matches

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LIVE = "status IN ('proposed', 'confirmed')"


def upgrade() -> None:
    op.create_table(
        "bank_statements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("statement_ref", sa.String(length=80), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "format IN ('csv', 'camt053', 'mt940')", name=op.f("ck_bank_statements_format")
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["users.id"], name=op.f("fk_bank_statements_imported_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statements")),
        sa.UniqueConstraint("statement_ref", name=op.f("uq_bank_statements_statement_ref")),
    )
    op.create_table(
        "bank_statement_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_hash", sa.String(length=64), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "amount_minor <> 0", name=op.f("ck_bank_statement_lines_amount_not_zero")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statements.id"],
            name=op.f("fk_bank_statement_lines_statement_id_bank_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_lines")),
        sa.UniqueConstraint("line_hash", name=op.f("uq_bank_statement_lines_line_hash")),
    )
    op.create_index(
        op.f("ix_bank_statement_lines_statement_id"), "bank_statement_lines", ["statement_id"]
    )
    op.create_index(
        op.f("ix_bank_statement_lines_booked_on"), "bank_statement_lines", ["booked_on"]
    )
    op.create_table(
        "reconciliation_matches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("item_label", sa.String(length=200), nullable=False),
        sa.Column("item_on", sa.Date(), nullable=False),
        sa.Column("item_amount_minor", sa.Integer(), nullable=False),
        sa.Column("match_pass", sa.String(length=12), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "match_pass IN ('exact', 'window', 'suggested')",
            name=op.f("ck_reconciliation_matches_match_pass"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'suggested', 'confirmed', 'rejected', 'undone')",
            name=op.f("ck_reconciliation_matches_status"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["bank_statement_lines.id"],
            name=op.f("fk_reconciliation_matches_line_id_bank_statement_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_reconciliation_matches_decided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_matches")),
        sa.UniqueConstraint("number", name=op.f("uq_reconciliation_matches_number")),
    )
    op.create_index(
        op.f("ix_reconciliation_matches_line_id"), "reconciliation_matches", ["line_id"]
    )
    op.create_index(
        op.f("ix_reconciliation_matches_item_key"), "reconciliation_matches", ["item_key"]
    )
    # One live match per bank line and per counter item: the database refuses a second.
    op.create_index(
        "ix_reconciliation_matches_live_line",
        "reconciliation_matches",
        ["line_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
    )
    op.create_index(
        "ix_reconciliation_matches_live_item",
        "reconciliation_matches",
        ["item_key"],
        unique=True,
        sqlite_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_table("reconciliation_matches")
    op.drop_table("bank_statement_lines")
    op.drop_table("bank_statements")
