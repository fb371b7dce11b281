"""Money records made at the counter and pushed: payments, allocations, credit notes."""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime

_ONE_TARGET = (
    "(bill_id IS NOT NULL) + (service_charge_id IS NOT NULL) + (installment_id IS NOT NULL) = 1"
)


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("terminals.id"))
    payment_number: Mapped[str] = mapped_column(String(48), unique=True)
    transaction_number: Mapped[str] = mapped_column(String(48), unique=True)
    receipt_number: Mapped[str] = mapped_column(String(48, collation="NOCASE"), unique=True)
    consumer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consumers.id"))
    payment_type: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(40))
    method_kind: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int]
    tendered_minor: Mapped[int]
    change_minor: Mapped[int]
    overpaid_minor: Mapped[int]
    outstanding_minor: Mapped[int]  # of the selected items just before this payment
    payment_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16))
    verification: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default="counter")
    settlement_status: Mapped[str] = mapped_column(String(16), default="N/A")
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    notes: Mapped[str | None] = mapped_column(String(2000))
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    voided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "tendered_minor = amount_minor + change_minor AND change_minor >= 0",
            name="cash_balances",
        ),
        CheckConstraint("overpaid_minor >= 0 AND overpaid_minor <= amount_minor", name="overpaid"),
        Index(None, "payment_date", "recorded_at"),
        Index(None, "method", "payment_date", "recorded_at"),
        Index(None, "status", "payment_date", "recorded_at"),
        Index(None, "payment_type", "payment_date", "recorded_at"),
        Index(None, "channel", "payment_date", "recorded_at"),
        Index(None, "recorded_by", "payment_date", "recorded_at"),
        Index(None, "consumer_id", "payment_date"),
        # Covers the KPI and dashboard aggregates: no table look-ups over a month of rows.
        Index(
            "ix_payments_dashboard",
            "status",
            "payment_date",
            "method",
            "channel",
            "payment_type",
            "recorded_by",
            "amount_minor",
            "id",
        ),
    )


class PaymentAllocation(Base):
    """A share of a payment settling one item; a void adds the negative twin."""

    __tablename__ = "payment_allocations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"))
    bill_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bills.id"), index=True)
    service_charge_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("service_charges.id"), index=True
    )
    installment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("installments.id"), index=True
    )
    amount_minor: Mapped[int]
    collection_days: Mapped[int]
    reversal_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment_allocations.id"))

    __table_args__ = (
        CheckConstraint(_ONE_TARGET, name="one_target"),
        # Covers average collection time: allocations of a payment without a table look-up.
        Index(None, "payment_id", "reversal_of", "collection_days"),
    )


class CreditNote(Base):
    __tablename__ = "credit_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("terminals.id"))
    number: Mapped[str] = mapped_column(String(48, collation="NOCASE"), unique=True)
    consumer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consumers.id"), index=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int]
    reason: Mapped[str] = mapped_column(String(40))
    remarks: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    created_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))

    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)


class CreditNoteApplication(Base):
    __tablename__ = "credit_note_applications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    credit_note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credit_notes.id"), index=True)
    bill_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bills.id"), index=True)
    service_charge_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("service_charges.id"), index=True
    )
    installment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("installments.id"), index=True
    )
    amount_minor: Mapped[int]
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime)
    applied_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint(_ONE_TARGET, name="one_target"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )
