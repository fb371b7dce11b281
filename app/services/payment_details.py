"""Everything the Payment Details view and the receipt show about one payment."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.db.tables import (
    Payment,
)
from app.domain.changes import Changes, areas
from app.domain.payments import COUNTER_PROCESSING_TIME, Analysis, PaymentStatus, void_refusal
from app.services.unit_of_work import UnitOfWork

SYSTEM = "System"
_ENDED = frozenset(
    s.value for s in (PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.VOIDED)
)


@dataclass(frozen=True)
class PaidItem:
    """One line of 'Payment details' and 'Payment amount analysis'."""

    kind: str  # bill | service | installment
    reference: str  # invoice id / service charge number / plan id and installment
    description: str  # service period / service name / plan and installment
    item_date: date  # period start / service date / installment due date
    item_amount_minor: int  # billed / service / installment amount
    paid_minor: int  # by this payment


@dataclass(frozen=True)
class CreditNoteLink:
    number: str
    amount_minor: int
    reason: str
    status: str


@dataclass(frozen=True)
class PaymentDetails:
    # Payment information
    payment_id: uuid.UUID
    payment_number: str
    status: str
    settlement_status: str
    amount_minor: int
    currency: str
    method: str
    method_kind: str
    payment_type: str
    channel: str
    notes: str | None
    # Details by type and amount analysis
    items: tuple[PaidItem, ...]
    outstanding_minor: int
    difference_minor: int
    analysis: Analysis
    # Credit note generated
    credit_notes: tuple[CreditNoteLink, ...]
    # Cash
    is_cash: bool
    tendered_minor: int
    change_minor: int
    # Transaction information
    transaction_number: str
    receipt_number: str
    payment_date: date
    recorded_at: datetime
    terminal_code: str
    # Processing information
    received_by: str
    processing_time: str
    verification: str
    # Consumer information
    consumer_name: str
    account_number: str
    service_address: str
    phone: str | None
    email: str | None
    # Void
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None
    processing_ongoing: bool = False  # an online payment still settling: days so far
    # Why it cannot be voided today (the domain's void rule, asked by the counter's clock),
    # None when a supervisor may: the screen shows this, it never works the rule out itself.
    void_refusal: str | None = "Not known yet whether this payment can be voided."
    changes: Changes = field(default=areas())

    @property
    def billed_minor(self) -> int:
        return sum(i.item_amount_minor for i in self.items)


def payment_details(uow: UnitOfWork, number: str) -> PaymentDetails:
    """Look a payment up by receipt, payment or transaction number."""
    with uow:
        payment = uow.payments.by_number(number)
        consumer = uow.consumers.get(payment.consumer_id)
        assert consumer is not None
        recorder = uow.users.get(payment.recorded_by) if payment.recorded_by else None
        voider = uow.users.get(payment.voided_by) if payment.voided_by else None
        notes = uow.credit_notes.of_payment(payment.id)
        difference = payment.amount_minor - payment.outstanding_minor
        processing_time, processing_ongoing = _processing_time(payment, uow.now())
        return PaymentDetails(
            payment_id=payment.id,
            payment_number=payment.payment_number,
            status=payment.status,
            settlement_status=payment.settlement_status,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            method=payment.method,
            method_kind=payment.method_kind,
            payment_type=payment.payment_type,
            channel=payment.channel,
            notes=payment.notes,
            items=tuple(_paid_items(uow, payment.id)),
            outstanding_minor=payment.outstanding_minor,
            difference_minor=difference,
            analysis=Analysis.EXACT
            if difference == 0
            else (Analysis.OVER if difference > 0 else Analysis.UNDER),
            credit_notes=tuple(
                CreditNoteLink(n.number, n.amount_minor, n.reason, n.status) for n in notes
            ),
            is_cash=payment.method_kind == "cash",
            tendered_minor=payment.tendered_minor,
            change_minor=payment.change_minor,
            transaction_number=payment.transaction_number,
            receipt_number=payment.receipt_number,
            payment_date=payment.payment_date,
            recorded_at=payment.recorded_at,
            terminal_code=uow.terminals.code_of(payment.terminal_id),
            received_by=recorder.full_name if recorder else SYSTEM,
            processing_time=processing_time,
            processing_ongoing=processing_ongoing,
            verification=payment.verification,
            consumer_name=consumer.name,
            account_number=consumer.account_number,
            service_address=consumer.service_address,
            phone=consumer.phone,
            email=consumer.email,
            voided_at=payment.voided_at,
            voided_by=voider.full_name if voider else None,
            void_reason=payment.void_reason,
            void_refusal=void_refusal(
                payment.status,
                payment.recorded_at.astimezone(uow.settings().zone).date(),
                uow.today(),
                payment.receipt_number,
            ),
        )


def _processing_time(payment: Payment, now: datetime) -> tuple[str, bool]:
    """(what to show, whether it is still counting): Immediate at the counter; for an online
    payment the days until settlement, or the days so far while it settles (spec: processing
    time in days); N/A for one that failed or was cancelled before it settled."""
    if payment.source == "counter":
        return COUNTER_PROCESSING_TIME, False
    if payment.settled_at is not None:
        return f"{_days(payment.settled_at - payment.recorded_at)} days", False
    if payment.status in _ENDED:
        return "N/A", False
    return f"{_days(now - payment.recorded_at)} days so far", True


def _days(elapsed: timedelta) -> Decimal:
    days = Decimal(max(elapsed.total_seconds(), 0.0)) / Decimal(86400)  # a clock behind: 0
    return days.quantize(Decimal("0.1"))


def _paid_items(uow: UnitOfWork, payment_id: uuid.UUID) -> list[PaidItem]:
    items = [
        PaidItem(
            r.kind, r.reference, r.description, r.item_date, r.item_amount_minor, r.amount_minor
        )
        for r in uow.payments.paid_items(payment_id)
    ]
    return sorted(items, key=lambda i: (i.item_date, i.reference))
