"""Recording a payment on the demo counter file as the tests of the payment path do: the
spec's sample request (John Doe's March bill, in cash, by jsmith) and what a payment writes."""

from sqlalchemy import text

from app.db.database import Database
from app.services.consumers import consumer_account
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment

ACCOUNT = "WU-10001"
MARCH_BILL = "INV-2025-001234"  # $145.50, due 15 Apr 2025
APRIL_BILL = "INV-2025-001567"  # $152.25, due 15 May 2025


def request(**changes: object) -> PaymentRequest:
    values: dict[str, object] = {
        "account_number": ACCOUNT,
        "payment_type": "Bill",
        "items": (MARCH_BILL,),
        "method": "Cash",
        "amount": "145.50",
        "username": "jsmith",
    }
    values.update(changes)
    return PaymentRequest(**values)  # type: ignore[arg-type]


def pay(db: Database, **changes: object) -> RecordedPayment:
    return record_payment(db.unit_of_work(), request(**changes))


def outstanding(db: Database, reference: str) -> int:
    account = consumer_account(db.read(), ACCOUNT)
    return sum(i.outstanding_minor for i in account.unpaid if i.reference == reference)


PAYMENT_TABLES = (
    "payments",
    "payment_allocations",
    "credit_notes",
    "outbox",
    "audit_events",
    "print_jobs",
)


def footprint(db: Database, tables: tuple[str, ...] = PAYMENT_TABLES) -> dict[str, object]:
    """What an action could write: the tables' row counts, the number sequences, the
    consumer's balance (payments by default; credit notes name their own tables)."""
    with db.read() as uow:
        counts = {
            table: uow.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in tables
        }
        sequences = uow.session.execute(
            text("SELECT series, period, last_value FROM number_sequences ORDER BY 1, 2")
        ).all()
    balance = consumer_account(db.read(), ACCOUNT).balance_minor
    return {**counts, "sequences": [tuple(s) for s in sequences], "balance": balance}
