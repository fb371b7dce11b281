"""Money in through the services: a bill, a payment at the counter, an online payment."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.db.database import Database
from app.db.tables import Bill, Consumer, Payment, PaymentAllocation
from app.domain.ids import new_id
from app.services.record_payment import PaymentRequest, record_payment


def add_bill(db: Database, number: str, amount: int, issued: date, due: date) -> None:
    with db.unit_of_work() as uow:
        consumer = uow.session.scalar(select(Consumer).where(Consumer.account_number == "WU-10001"))
        assert consumer is not None
        uow.session.add(
            Bill(
                id=new_id(),
                consumer_id=consumer.id,
                invoice_number=number,
                period_label="Test",
                amount_minor=amount,
                issued_on=issued,
                due_date=due,
            )
        )
        uow.commit()


def pay(
    db: Database,
    kind: str,
    item: str,
    amount: int,
    method: str,
    channel: str,
    on: date,
    username: str = "jsmith",
) -> None:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method=method,
        amount=Decimal(amount) / 100,
        channel=channel,
        paid_on=on,
        username=username,
        # Back-dated past the setting's days: a supervisor other than the cashier approves.
        approver="admin" if username == "mbrown" else "mbrown",
        approver_pin="0000" if username == "mbrown" else "2345",
    )
    record_payment(db.unit_of_work(), request)


def online_payment(db: Database, invoice: str, amount: int, on: date, status: str) -> str:
    """As sync brings a gateway payment on `on` at 15:00: nobody at the counter recorded it."""
    recorded_at = datetime(on.year, on.month, on.day, 15, tzinfo=UTC)
    return add_online_payment(
        db, invoice=invoice, amount=amount, recorded_at=recorded_at, status=status,
        collection_days=None,
    )  # fmt: skip


def add_online_payment(
    db: Database,
    *,
    invoice: str | None = "INV-2025-001234",
    amount: int | None = None,
    recorded_at: datetime | None = None,
    ago: timedelta = timedelta(days=1),
    status: str = "Posted",
    verification: str = "Pending",
    method: str = "Credit Card",
    number: str | None = None,
    settled_after: timedelta | None = None,
    collection_days: int | None = 20,
) -> str:
    """A gateway payment as the sync feed stores it (no cashier; settlement in progress unless
    `settled_after` it was recorded), allocated to `invoice` (none when None); returns its
    receipt number.

    Defaults: the bill's amount, recorded `ago` (a day) before the counter's clock unless
    `recorded_at`, numbered by the counter's series (or all three numbers `number`);
    `collection_days` None counts them from the bill's issue date."""
    with db.unit_of_work() as uow:
        consumer = uow.session.scalar(select(Consumer).where(Consumer.account_number == "WU-10001"))
        bill = (
            uow.session.scalar(select(Bill).where(Bill.invoice_number == invoice))
            if invoice
            else None
        )
        assert consumer is not None and (bill is not None or invoice is None)
        recorded_at = recorded_at or uow.now() - ago
        paid_on = recorded_at.astimezone(uow.settings().zone).date()
        if amount is None:
            assert bill is not None, "an amount, or a bill to take it from"
            amount = bill.amount_minor
        payment = Payment(
            id=new_id(),
            terminal_id=uow.terminal().id,
            payment_number=number or uow.next_number("payment", paid_on),
            transaction_number=number or uow.next_number("transaction", paid_on),
            receipt_number=number or uow.next_number("receipt", paid_on),
            consumer_id=consumer.id,
            payment_type="Bill",
            channel="Online",
            method=method,
            method_kind="card",
            currency="USD",
            amount_minor=amount,
            tendered_minor=amount,
            change_minor=0,
            overpaid_minor=0,
            outstanding_minor=amount,
            payment_date=paid_on,
            recorded_at=recorded_at,
            recorded_by=None,
            status=status,
            verification=verification,
            source="online",
            settlement_status="In Progress" if settled_after is None else "Settled",
            settled_at=None if settled_after is None else recorded_at + settled_after,
        )
        uow.session.add(payment)
        uow.session.flush()
        if bill is not None:
            days = (paid_on - bill.issued_on).days if collection_days is None else collection_days
            uow.session.add(
                PaymentAllocation(
                    id=new_id(),
                    payment_id=payment.id,
                    bill_id=bill.id,
                    amount_minor=amount,
                    collection_days=days,
                )
            )
        receipt = payment.receipt_number
        uow.commit()
    return receipt
