"""Reference data owned by the server and pulled: consumers, bills, service charges, plans."""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class Consumer(Base):
    __tablename__ = "consumers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(32, collation="NOCASE"), unique=True)
    name: Mapped[str] = mapped_column(String(120, collation="NOCASE"))
    service_address: Mapped[str] = mapped_column(String(240))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    timezone: Mapped[str] = mapped_column(String(64))
    segment: Mapped[str] = mapped_column(String(32), default="Residential")
    status: Mapped[str] = mapped_column(String(16), default="Active")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index(None, "name"),)


class Bill(Base):
    __tablename__ = "bills"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    consumer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consumers.id"))
    invoice_number: Mapped[str] = mapped_column(String(32), unique=True)
    period_label: Mapped[str] = mapped_column(String(32))
    amount_minor: Mapped[int]
    issued_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index(None, "consumer_id", "due_date"),
        Index(None, "due_date", "amount_minor"),  # covers the KPI "total due" sum
    )


class ServiceCharge(Base):
    __tablename__ = "service_charges"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    consumer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consumers.id"))
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str] = mapped_column(String(120))
    amount_minor: Mapped[int]
    service_date: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index(None, "consumer_id", "service_date"),
        Index(None, "service_date", "amount_minor"),
    )


class PaymentPlan(Base):
    __tablename__ = "payment_plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    consumer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consumers.id"), index=True)
    plan_number: Mapped[str] = mapped_column(String(32), unique=True)
    created_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="Active")
    # Terms of a plan made or modified at a counter (migration 0015; None on older plans).
    total_minor: Mapped[int | None]
    down_payment_minor: Mapped[int | None]
    installment_count: Mapped[int | None]
    frequency: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(String(40))
    modified_by: Mapped[str | None] = mapped_column(String(40))
    modified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(200))  # migration 0018


class Installment(Base):
    __tablename__ = "installments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_plans.id"))
    number: Mapped[int]
    amount_minor: Mapped[int]
    due_date: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        Index(None, "due_date", "amount_minor"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("number > 0", name="number_positive"),
    )
