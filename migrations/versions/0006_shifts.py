"""cash shifts: open/close, cash movements, counts by method

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=48, collation="NOCASE"), nullable=False),
        sa.Column("cashier_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opening_float_minor", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approval_reasons", sa.String(length=80), nullable=True),
        sa.Column("expected_cash_minor", sa.Integer(), nullable=True),
        sa.Column("counted_cash_minor", sa.Integer(), nullable=True),
        sa.Column("unsent_at_close", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_shifts_status")),
        sa.CheckConstraint("opening_float_minor >= 0", name=op.f("ck_shifts_float_not_negative")),
        sa.CheckConstraint(
            "(status = 'open') = (closed_at IS NULL)", name=op.f("ck_shifts_closed_when_closed")
        ),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_shifts_terminal_id_terminals")
        ),
        sa.ForeignKeyConstraint(
            ["cashier_id"], ["users.id"], name=op.f("fk_shifts_cashier_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_shifts_closed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["users.id"], name=op.f("fk_shifts_approved_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("number", name=op.f("uq_shifts_number")),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shifts_one_open_per_terminal",
            ["terminal_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.create_index(
            batch_op.f("ix_shifts_terminal_id_opened_at"), ["terminal_id", "opened_at"]
        )

    op.create_table(
        "shift_cash_movements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('in', 'out')", name=op.f("ck_shift_cash_movements_direction")
        ),
        sa.CheckConstraint(
            "amount_minor > 0", name=op.f("ck_shift_cash_movements_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_shift_cash_movements_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_shift_cash_movements_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_cash_movements")),
    )
    with op.batch_alter_table("shift_cash_movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_cash_movements_shift_id"), ["shift_id"])

    op.create_table(
        "shift_denomination_counts",
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("value_minor", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "count >= 0", name=op.f("ck_shift_denomination_counts_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_shift_denomination_counts_shift_id_shifts"),
        ),
        sa.PrimaryKeyConstraint(
            "shift_id", "value_minor", name=op.f("pk_shift_denomination_counts")
        ),
    )

    op.create_table(
        "shift_reconciliations",
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("method_kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("expected_minor", sa.Integer(), nullable=False),
        sa.Column("counted_minor", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_shift_reconciliations_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("shift_id", "method_kind", name=op.f("pk_shift_reconciliations")),
    )

    op.create_table(
        "shift_payments",
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_shift_payments_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_shift_payments_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_shift_payments")),
    )
    with op.batch_alter_table("shift_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_payments_shift_id"), ["shift_id"])


def downgrade() -> None:
    with op.batch_alter_table("shift_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_payments_shift_id"))
    op.drop_table("shift_payments")
    op.drop_table("shift_reconciliations")
    op.drop_table("shift_denomination_counts")
    with op.batch_alter_table("shift_cash_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_cash_movements_shift_id"))
    op.drop_table("shift_cash_movements")
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shifts_terminal_id_opened_at"))
        batch_op.drop_index("ix_shifts_one_open_per_terminal")
    op.drop_table("shifts")
