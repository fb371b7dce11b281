"""A consumer's plans for the profile: every installment, what is paid, and where it stands."""

import pytest

from app.db.database import Database
from app.db.tables import Consumer
from app.domain.errors import NotFound
from app.domain.ids import new_id
from app.domain.plan_compliance import InstallmentState
from app.services.credit_notes import apply_credit_note
from app.services.plans import consumer_plans
from app.services.record_payment import PaymentRequest, record_payment
from app.services.void_payment import void_payment


def pay(db: Database, payment_type: str, item: str, amount: str, method: str = "Cash") -> object:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=payment_type,
        items=(item,),
        method=method,
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request)


def rows(db: Database) -> list[tuple[str, int, int, int, str]]:
    (plan,) = consumer_plans(db.read(), "WU-10001")
    return [
        (i.reference, i.amount_minor, i.paid_minor, i.outstanding_minor, i.status)
        for i in plan.installments
    ]


def test_the_sample_plan_lists_every_installment_against_the_sample_day(db) -> None:
    (plan,) = consumer_plans(db.read(), "WU-10001")
    assert plan.plan_number == "PP-2025-0034"
    assert plan.status == "Active"
    assert [(i.number, str(i.due_date)) for i in plan.installments] == [
        (1, "2025-04-15"),
        (2, "2025-05-15"),
        (3, "2025-06-15"),
    ]
    # 20 Apr 2025: the first installment is five days late.
    assert rows(db) == [
        ("PP-2025-0034/1", 6750, 0, 6750, "Overdue"),
        ("PP-2025-0034/2", 6750, 0, 6750, "Due"),
        ("PP-2025-0034/3", 6750, 0, 6750, "Due"),
    ]
    assert (plan.total_minor, plan.paid_minor, plan.outstanding_minor) == (20250, 0, 20250)


def test_payments_mark_installments_paid_or_partly_paid(db) -> None:
    pay(db, "Installment", "PP-2025-0034/1", "67.50")
    pay(db, "Installment", "PP-2025-0034/2", "30.00")
    assert rows(db) == [
        ("PP-2025-0034/1", 6750, 6750, 0, InstallmentState.PAID),
        ("PP-2025-0034/2", 6750, 3000, 3750, InstallmentState.PARTLY_PAID),
        ("PP-2025-0034/3", 6750, 0, 6750, InstallmentState.DUE),
    ]


def test_a_partly_paid_installment_becomes_overdue_after_its_due_date(db, clock) -> None:
    pay(db, "Installment", "PP-2025-0034/1", "67.50")
    pay(db, "Installment", "PP-2025-0034/2", "30.00")
    clock.advance(days=26)  # 16 May 2025
    assert [r[4] for r in rows(db)] == ["Paid", "Overdue", "Due"]


def test_applied_credit_counts_as_paid(db) -> None:
    paid = pay(db, "Bill", "INV-2025-001234", "160.00", method="Credit Card")
    note = paid.credit_note  # type: ignore[attr-defined]
    assert note.amount_minor == 1450
    apply_credit_note(db.unit_of_work(), number=note.number, to="PP-2025-0034/3", amount="14.50")
    assert rows(db)[2] == ("PP-2025-0034/3", 6750, 1450, 5300, "Partly paid")


def test_a_voided_payment_no_longer_pays_the_installment(db) -> None:
    receipt = pay(db, "Installment", "PP-2025-0034/2", "67.50").receipt_number  # type: ignore[attr-defined]
    assert rows(db)[1][4] == "Paid"
    void_payment(db.unit_of_work(), receipt=receipt, reason="Wrong consumer", username="mbrown")
    assert rows(db)[1] == ("PP-2025-0034/2", 6750, 0, 6750, "Due")


def test_a_consumer_without_plans_has_none(db) -> None:
    with db.unit_of_work() as uow:
        uow.session.add(
            Consumer(
                id=new_id(),
                account_number="WU-20002",
                name="Ann Lee",
                service_address="9 Elm Road, Cityville",
                timezone="America/New_York",
                created_at=uow.now(),
            )
        )
        uow.commit()
    assert consumer_plans(db.read(), "WU-20002") == []


def test_an_unknown_account_is_refused(db) -> None:
    with pytest.raises(NotFound) as refused:
        consumer_plans(db.read(), "WU-99999")
    assert refused.value.message == "No consumer with account number 'WU-99999'."
