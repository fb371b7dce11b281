"""Cash shifts: who ran a terminal's drawer when, its movements, counts and reconciliation."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class Shift(Base):
    """One cashier's stretch at a terminal's drawer; the close figures are kept as counted."""

    __tablename__ = "shifts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("terminals.id"))
    number: Mapped[str] = mapped_column(String(48, collation="NOCASE"), unique=True)
    cashier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    opening_float_minor: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    approval_reasons: Mapped[str | None] = mapped_column(String(80))  # 'difference,unsent'
    expected_cash_minor: Mapped[int | None]
    counted_cash_minor: Mapped[int | None]
    unsent_at_close: Mapped[int | None]

    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("opening_float_minor >= 0", name="float_not_negative"),
        CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_when_closed"),
        # One drawer, one open shift: the database refuses a second even if a rule slips.
        Index(
            "ix_shifts_one_open_per_terminal",
            "terminal_id",
            unique=True,
            # SQLite only: the counter's file. (A postgresql_where here made SQLAlchemy import
            # its whole PostgreSQL dialect, asyncpg included, at every client start.)
            sqlite_where=text("status = 'open'"),
        ),
        Index(None, "terminal_id", "opened_at"),
    )


class ShiftCashMovement(Base):
    """Cash put into or taken out of the drawer, with the reason (float top-up, bank drop)."""

    __tablename__ = "shift_cash_movements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    amount_minor: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )


class ShiftDenominationCount(Base):
    """How many of each note and coin were in the drawer at close."""

    __tablename__ = "shift_denomination_counts"

    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), primary_key=True)
    value_minor: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(16))
    count: Mapped[int]

    __table_args__ = (CheckConstraint("count >= 0", name="count_not_negative"),)


class ShiftReconciliation(Base):
    """Expected against counted for one method kind, as it stood at close."""

    __tablename__ = "shift_reconciliations"

    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), primary_key=True)
    method_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    payments: Mapped[int]
    expected_minor: Mapped[int]
    counted_minor: Mapped[int]


class ShiftPayment(Base):
    """Which shift took a payment. A link, so the payment record and its sync payload stay
    exactly as they were; written in the payment's own transaction."""

    __tablename__ = "shift_payments"

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), primary_key=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), index=True)
