"""Money in through the services: a bill, a payment at the counter, an online payment."""

from datetime import UTC, date, datetime
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


def online_payment(db: Database, invoice: str, amount: int, on: date, status: str) -> None:
    """As sync brings a gateway payment: nobody at the counter recorded it."""
    with db.unit_of_work() as uow:
        consumer = uow.session.scalar(select(Consumer).where(Consumer.account_number == "WU-10001"))
        bill = uow.session.scalar(select(Bill).where(Bill.invoice_number == invoice))
        assert consumer is not None and bill is not None
        payment = Payment(
            id=new_id(),
            terminal_id=uow.terminal().id,
            payment_number=uow.next_number("payment", on),
            transaction_number=uow.next_number("transaction", on),
            receipt_number=uow.next_number("receipt", on),
            consumer_id=consumer.id,
            payment_type="Bill",
            channel="Online",
            method="Credit Card",
            method_kind="card",
            currency="USD",
            amount_minor=amount,
            tendered_minor=amount,
            change_minor=0,
            overpaid_minor=0,
            outstanding_minor=amount,
            payment_date=on,
            recorded_at=datetime(on.year, on.month, on.day, 15, tzinfo=UTC),
            recorded_by=None,
            status=status,
            verification="Pending",
            source="online",
            settlement_status="In Progress",
        )
        uow.session.add(payment)
        uow.session.flush()
        uow.session.add(
            PaymentAllocation(
                id=new_id(),
                payment_id=payment.id,
                bill_id=bill.id,
                amount_minor=amount,
                collection_days=(on - bill.issued_on).days,
            )
        )
        uow.commit()
