"""Processing time in the payment details: immediate at the counter, in days online."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.db.database import Database
from app.db.tables import Payment
from app.services.payment_details import payment_details
from tests.support.payments import add_bill, online_payment, pay

APR_18 = date(2025, 4, 18)  # the online payments arrive at 15:00 UTC; now is 20 Apr 14:00 UTC


def settle(db: Database, receipt: str, at: datetime) -> None:
    with db.unit_of_work() as uow:
        payment = uow.session.scalar(select(Payment).where(Payment.receipt_number == receipt))
        assert payment is not None
        payment.settled_at = at
        payment.settlement_status = "Settled"
        uow.commit()


def online(db: Database, status: str = "Posted") -> str:
    add_bill(db, "INV-T-0009", 5_000, date(2025, 4, 1), date(2025, 4, 15))
    online_payment(db, "INV-T-0009", 5_000, APR_18, status)
    with db.read() as uow:
        return uow.session.scalar(select(Payment.receipt_number).where(Payment.source == "online"))


def test_a_counter_payment_is_processed_immediately(db) -> None:
    pay(db, "bill", "INV-2025-001234", 14_550, "Cash", "Walk-in", date(2025, 4, 20))

    details = payment_details(db.read(), "R-T01-0001")

    assert (details.processing_time, details.processing_ongoing) == ("Immediate", False)


def test_a_settled_online_payment_shows_the_days_it_took(db) -> None:
    receipt = online(db)
    settle(db, receipt, datetime(2025, 4, 20, 10, 12, tzinfo=UTC))  # 43.2 hours later

    details = payment_details(db.read(), receipt)

    assert (details.processing_time, details.processing_ongoing) == ("1.8 days", False)


def test_an_unsettled_online_payment_shows_the_days_so_far_and_keeps_counting(db, clock) -> None:
    receipt = online(db)

    assert payment_details(db.read(), receipt).processing_time == "2.0 days so far"  # 47 hours
    clock.advance(hours=36)
    details = payment_details(db.read(), receipt)
    assert (details.processing_time, details.processing_ongoing) == ("3.5 days so far", True)


def test_a_failed_online_payment_has_no_processing_time(db) -> None:
    receipt = online(db, status="Failed")

    assert payment_details(db.read(), receipt).processing_time == "N/A"
