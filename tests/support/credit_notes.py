"""Credit notes made through the services: payments to credit, a second consumer."""

from collections.abc import Callable
from datetime import date

from app.db.database import Database
from app.db.tables import Bill, Consumer
from app.domain.ids import new_id
from app.services.credit_notes import create_credit_note
from app.services.record_payment import PaymentRequest, record_payment
from ui.context import ClientContext

Signed = Callable[[str], ClientContext]


def pay(db: Database, item: str, amount: str, account: str = "WU-10001") -> str:
    kind = "Service" if item.startswith("SC-") else "Bill"
    request = PaymentRequest(
        account_number=account,
        payment_type=kind,
        items=(item,),
        method="Credit Card",
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def credit(db: Database, receipt: str, amount: str, reason: str = "Billing Error") -> str:
    return create_credit_note(
        db.unit_of_work(), receipt=receipt, amount=amount, reason=reason, username="jsmith"
    ).number


# -- Credit Notes tab -----------------------------------------------------------------------
def add_jane_roe(db: Database) -> None:
    with db.unit_of_work() as uow:
        consumer = Consumer(
            id=new_id(),
            account_number="WU-10002",
            name="Jane Roe",
            service_address="9 Elm Road, Cityville",
            timezone="America/New_York",
            segment="Residential",
            status="Active",
            created_at=uow.now(),
        )
        uow.session.add(consumer)
        uow.session.flush()
        uow.session.add(
            Bill(
                id=new_id(),
                consumer_id=consumer.id,
                invoice_number="INV-2025-002001",
                period_label="Apr 2025",
                amount_minor=5000,
                issued_on=date(2025, 4, 1),
                due_date=date(2025, 5, 1),
            )
        )
        uow.commit()
