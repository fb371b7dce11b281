"""Record a counter payment: validate, settle onto items, number, audit, queue for sync."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.db.tables import Payment, PaymentAllocation
from app.domain import payments as rules
from app.domain.changes import Area, Changes, areas
from app.domain.events import CreditNoteActivated, PaymentRecorded
from app.domain.ids import new_id
from app.domain.money import parse_amount
from app.domain.payments import (
    COUNTER_PROCESSING_TIME,
    Analysis,
    Due,
    PaymentStatus,
    PaymentType,
    Settlement,
    Verification,
)
from app.domain.record_rules import check_payment
from app.services import item_refs
from app.services.actors import Actor, actor_for
from app.services.consumers import account_balance, find_consumer
from app.services.credit_notes import IssuedCreditNote, issue_credit_note
from app.services.shifts import link_payment, require_open_shift
from app.services.supervisor_approval import SupervisorApprovalRequired, approving_supervisor
from app.services.sync_status import refuse_when_clock_is_wrong
from app.services.unit_of_work import UnitOfWork

Amount = str | Decimal | int


@dataclass(frozen=True)
class PaymentRequest:
    account_number: str
    payment_type: str
    items: tuple[str, ...]
    method: str
    amount: Amount
    tendered: Amount | None = None
    channel: str | None = None
    paid_on: date | None = None
    notes: str | None = None
    username: str | None = None
    approver: str | None = None  # a supervisor approving a payment date further back
    approver_pin: str | None = None


@dataclass(frozen=True)
class RecordedPayment:
    payment_id: uuid.UUID
    payment_number: str
    transaction_number: str
    receipt_number: str
    status: str
    verification: str
    processing_time: str
    currency: str
    method: str
    is_cash: bool
    amount_minor: int
    tendered_minor: int
    change_minor: int
    outstanding_minor: int
    difference_minor: int
    analysis: Analysis
    credit_note: IssuedCreditNote | None
    changes: Changes = field(
        default=areas(Area.PAYMENTS, Area.CONSUMERS, Area.KPIS, Area.CREDIT_NOTES)
    )


def record_payment(uow: UnitOfWork, request: PaymentRequest) -> RecordedPayment:
    with uow:
        actor = actor_for(uow, request.username, "record_payment")
        refuse_when_clock_is_wrong(uow)
        settings = uow.settings()
        kind = rules.PaymentType.parse(request.payment_type or "")
        method = settings.method(request.method or "")
        channel = settings.channel(request.channel)
        consumer = find_consumer(uow, request.account_number)
        # A disconnected or inactive account still pays (its reconnection fee above all): the
        # screens show the status prominently instead of refusing the money.
        today = uow.today()
        paid_on = rules.check_payment_date(request.paid_on or today, today)
        approver = _backdating_approver(uow, request, actor, paid_on, today)
        notes = rules.check_notes(request.notes, settings.notes_max_length)
        amount = parse_amount(request.amount, settings.currency, field="Amount")
        tendered = (
            None
            if request.tendered in (None, "")
            else parse_amount(request.tendered, settings.currency, field="Amount received")
        )
        rows = item_refs.resolve(
            uow, consumer.id, consumer.account_number, kind.value.lower(), list(request.items)
        )
        selected = sum(r.outstanding_minor for r in rows)
        # The whole account's balance is looked up only when the chosen items alone cannot
        # take the amount: the common payment pays no extra query for it.
        balance = None
        if amount > selected + settings.overpayment_threshold_minor:
            balance = account_balance(uow, consumer.id)
        settlement = rules.settle(
            amount_minor=amount,
            tendered_minor=tendered,
            is_cash=method.is_cash,
            dues=[
                Due(r.item_id, r.reference, r.outstanding_minor, r.due_date, r.generated_on)
                for r in rows
            ],
            paid_on=paid_on,
            overpayment_threshold_minor=settings.overpayment_threshold_minor,
            currency=settings.currency,
            locale=settings.locale,
            account_balance_minor=balance,
        )
        # Checked last, after the payment itself is valid, and in the writer's transaction:
        # a payment either lands before its shift closes (and is counted) or is refused.
        shift = require_open_shift(uow)
        payment = _write_payment(
            uow,
            actor,
            consumer.id,
            kind,
            method.name,
            method.kind,
            channel,
            paid_on,
            notes,
            settlement,
            limits={str(r.item_id): r.outstanding_minor for r in rows},
        )
        link_payment(uow, shift, payment.id)
        if approver is not None:
            uow.audit(
                user_id=approver.user_id,
                action="payment.backdating_approved",
                entity="payment",
                entity_id=payment.id,
                after={
                    "payment_date": paid_on.isoformat(),
                    "recorded_on": today.isoformat(),
                    "recorded_by": actor.username,
                    "approved_by": approver.username,
                },
            )
        credit = None
        if settlement.overpaid_minor:
            credit = issue_credit_note(
                uow,
                actor=actor,
                payment=payment,
                amount_minor=settlement.overpaid_minor,
                reason="Overpayment",
                remarks="Overpayment kept as credit at the counter",
            )
        # Stored with the payment, so the receipt prints even after a crash (or never at all
        # if the payment is rolled back), showing the balance as it is right now.
        uow.collect(PaymentRecorded(payment.receipt_number, actor.user_id))
        if credit is not None:  # overpayment credit is Active at once
            uow.collect(CreditNoteActivated(credit.number, actor.user_id))
        uow.commit()
    return RecordedPayment(
        payment_id=payment.id,
        payment_number=payment.payment_number,
        transaction_number=payment.transaction_number,
        receipt_number=payment.receipt_number,
        status=payment.status,
        verification=payment.verification,
        processing_time=COUNTER_PROCESSING_TIME,
        currency=payment.currency,
        method=payment.method,
        is_cash=payment.method_kind == "cash",
        amount_minor=settlement.amount_minor,
        tendered_minor=settlement.tendered_minor,
        change_minor=settlement.change_minor,
        outstanding_minor=settlement.outstanding_minor,
        difference_minor=settlement.difference_minor,
        analysis=settlement.analysis,
        credit_note=credit,
    )


def _backdating_approver(
    uow: UnitOfWork, request: PaymentRequest, actor: Actor, paid_on: date, today: date
) -> Actor | None:
    """The supervisor approving a payment dated further back than the setting allows."""
    days = uow.settings().backdate_days_without_approval
    if not rules.backdating_needs_approval(paid_on, today, days):
        return None
    if not request.approver:
        reason = (
            f"The payment date {paid_on.isoformat()} is {(today - paid_on).days} days back; "
            f"more than {days} days needs a supervisor's approval."
        )
        raise SupervisorApprovalRequired(reason, (reason,))
    return approving_supervisor(
        uow, request.approver, request.approver_pin, actor, action="approve_backdated_payment"
    )


def _write_payment(
    uow: UnitOfWork,
    actor: Actor,
    consumer_id: uuid.UUID,
    kind: PaymentType,
    method: str,
    method_kind: str,
    channel: str,
    paid_on: date,
    notes: str | None,
    settlement: Settlement,
    limits: dict[str, int] | None = None,
) -> Payment:
    payment = Payment(
        id=new_id(),
        terminal_id=uow.terminal().id,
        payment_number=uow.next_number("payment", paid_on),
        transaction_number=uow.next_number("transaction", paid_on),
        receipt_number=uow.next_number("receipt", paid_on),
        consumer_id=consumer_id,
        payment_type=kind.value,
        channel=channel,
        method=method,
        method_kind=method_kind,
        currency=uow.settings().currency,
        amount_minor=settlement.amount_minor,
        tendered_minor=settlement.tendered_minor,
        change_minor=settlement.change_minor,
        overpaid_minor=settlement.overpaid_minor,
        outstanding_minor=settlement.outstanding_minor,
        payment_date=paid_on,
        recorded_at=uow.now(),
        recorded_by=actor.user_id,
        status=PaymentStatus.POSTED.value,
        verification=Verification.VERIFIED.value,
        source="counter",
        settlement_status="N/A",
        notes=notes,
    )
    target = {"Bill": "bill_id", "Service": "service_charge_id", "Installment": "installment_id"}
    allocations = [
        PaymentAllocation(
            id=new_id(),
            payment_id=payment.id,
            amount_minor=a.amount_minor,
            collection_days=a.collection_days,
            **{target[kind.value]: a.item_id},
        )
        for a in settlement.allocations
    ]
    uow.payments.add(payment, allocations)
    snapshot = payment_snapshot(payment, allocations)
    # The same rules the server applies to the push: a payment that would be refused there is
    # never written here (the unit of work rolls back).
    check_payment(snapshot, currency=uow.settings().currency, now=uow.now(), item_limits=limits)
    uow.audit(
        user_id=actor.user_id,
        action="payment.recorded",
        entity="payment",
        entity_id=payment.id,
        after=snapshot,
    )
    uow.enqueue("payment", payment.id, snapshot)
    return payment


def payment_snapshot(payment: Payment, allocations: list[PaymentAllocation]) -> dict[str, object]:
    """The payment as the audit log and the server see it."""
    return {
        "id": str(payment.id),
        "terminal_id": str(payment.terminal_id),
        "payment_number": payment.payment_number,
        "transaction_number": payment.transaction_number,
        "receipt_number": payment.receipt_number,
        "consumer_id": str(payment.consumer_id),
        "payment_type": payment.payment_type,
        "channel": payment.channel,
        "method": payment.method,
        "currency": payment.currency,
        "amount_minor": payment.amount_minor,
        "tendered_minor": payment.tendered_minor,
        "change_minor": payment.change_minor,
        "overpaid_minor": payment.overpaid_minor,
        "payment_date": payment.payment_date.isoformat(),
        "recorded_at": payment.recorded_at.isoformat(),
        "recorded_by": str(payment.recorded_by) if payment.recorded_by else None,
        "status": payment.status,
        "notes": payment.notes,
        "allocations": [
            {
                "id": str(a.id),
                "bill_id": str(a.bill_id) if a.bill_id else None,
                "service_charge_id": str(a.service_charge_id) if a.service_charge_id else None,
                "installment_id": str(a.installment_id) if a.installment_id else None,
                "amount_minor": a.amount_minor,
                "reversal_of": str(a.reversal_of) if a.reversal_of else None,
            }
            for a in allocations
        ],
    }
