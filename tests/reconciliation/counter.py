"""A counter with known deposits and the bank statement that should reconcile with them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db.database import Database
from app.services.record_payment import PaymentRequest, record_payment
from app.services.shifts import cash_out
from tests.support.payments import add_online_payment as add_online

MANAGER = "mbrown"


@dataclass(frozen=True)
class Deposits:
    transfer_receipt: str  # 145.50 by bank transfer: the bank names it -> exact
    cheque_receipt: str  # 67.50 by cheque: never reaches the bank -> unmatched item


def pay(db: Database, item: str, kind: str, method: str, amount: str) -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def make_deposits(db: Database) -> Deposits:
    """On 20 Apr 2025: a transfer, two card payments (one card day of 100.00), a cheque and a
    150.00 cash drop from jsmith's drawer."""
    transfer = pay(db, "INV-2025-001234", "Bill", "Bank Transfer", "145.50")
    pay(db, "SC-2025-000087", "Service", "Credit Card", "25.00")
    pay(db, "SC-2025-000101", "Service", "Debit Card", "75.00")
    cheque = pay(db, "PP-2025-0034/1", "Installment", "Cheque", "67.50")
    cash_out(db.unit_of_work(), amount="150.00", reason="Bank drop", username="jsmith")
    return Deposits(transfer, cheque)


def statement_csv(deposits: Deposits) -> bytes:
    """The bank's view, with one answer per pass."""
    rows = [
        "Date,Amount,Reference,Description",
        f"2025-04-21,145.50,{deposits.transfer_receipt},TRANSFER FROM JOHN DOE",  # exact
        "2025-04-22,100.00,,CARD SETTLEMENT MERCHANT 4411",  # window: card day, 2 days on
        "2025-04-27,150.00,,CASH DEPOSIT",  # suggested: the drop, 7 days on
        "2025-04-21,999.99,,UNKNOWN CREDIT",  # unmatched bank line
        "2025-04-23,-12.50,,ACCOUNT FEES",  # a debit: not a deposit
    ]
    return ("\n".join(rows) + "\n").encode()


def add_online_payment(
    db: Database, *, status: str, hours_ago: float, settled_after_hours: float | None = None
) -> str:
    """An online (gateway) payment as the sync feed stores it."""
    settled = None if settled_after_hours is None else timedelta(hours=settled_after_hours)
    return add_online(
        db, invoice=None, amount=4200, ago=timedelta(hours=hours_ago), status=status,
        method="Online", number=f"ONL-pi_{status}_{int(hours_ago)}", settled_after=settled,
    )  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)
