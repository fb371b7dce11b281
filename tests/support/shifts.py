"""A shift's money through the services: a payment, closing the shift, the outbox all sent."""

from sqlalchemy import update

from app.db.database import Database
from app.db.tables import OutboxRecord
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment
from app.services.shift_close import ClosedShift, CloseRequest, close_shift

MARCH_BILL, APRIL_BILL = "INV-2025-001234", "INV-2025-001567"  # $145.50, $152.25


def pay(db: Database, item: str = MARCH_BILL, **changes: object) -> RecordedPayment:
    values: dict[str, object] = dict(
        account_number="WU-10001",
        payment_type="Bill",
        items=(item,),
        method="Cash",
        amount="145.50" if item == MARCH_BILL else "152.25",
        username="jsmith",
    )
    values.update(changes)
    return record_payment(db.unit_of_work(), PaymentRequest(**values))  # type: ignore[arg-type]


def close(db: Database, counts: dict[int, int], **changes: object) -> ClosedShift:
    values: dict[str, object] = dict(cash_counts=counts, totals={}, username="jsmith")
    values.update(changes)
    return close_shift(db.unit_of_work(), CloseRequest(**values))  # type: ignore[arg-type]


def mark_everything_sent(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(update(OutboxRecord).values(state="sent"))
        uow.commit()
