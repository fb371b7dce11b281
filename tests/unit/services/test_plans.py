"""A consumer's payment plans on a fake unit of work: installments paid, due and overdue."""

import uuid
from datetime import date

from app.db.tables import PaymentPlan
from app.domain.plan_compliance import InstallmentState
from app.services.plans import consumer_plans
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter
from tests.support.fake_uow import seed_item


def add_plan(counter: Counter) -> None:
    counter.store.plans.append(
        PaymentPlan(
            id=uuid.uuid4(),
            consumer_id=counter.consumer.id,
            plan_number="PP-2026-0001",
            created_on=date(2026, 1, 15),
            status="Active",
        )
    )
    # The fixture's first installment fell due on March 1st; the second is next month's.
    seed_item(
        counter.store,
        counter.consumer,
        "installment",
        "PP-2026-0001/2",
        5_000,
        due_date=date(2026, 4, 1),
    )


def test_installments_show_what_is_overdue_and_what_is_due(counter: Counter) -> None:
    add_plan(counter)

    [plan] = consumer_plans(counter.uow, "ACC-1001")

    assert plan.plan_number == "PP-2026-0001"
    assert [(i.number, i.status) for i in plan.installments] == [
        (1, InstallmentState.OVERDUE),
        (2, InstallmentState.DUE),
    ]
    assert plan.outstanding_minor == 10_000


def test_a_paid_installment_shows_paid(open_counter: Counter) -> None:
    add_plan(open_counter)
    request = PaymentRequest("ACC-1001", "Installment", ("PP-2026-0001/1",), "Cash", "50.00")
    record_payment(open_counter.uow, request)

    [plan] = consumer_plans(open_counter.uow, "ACC-1001")

    assert [i.status for i in plan.installments] == [InstallmentState.PAID, InstallmentState.DUE]
    assert (plan.paid_minor, plan.outstanding_minor) == (5_000, 5_000)


def test_a_cancelled_plan_shows_its_unpaid_installments_cancelled_not_overdue(
    counter: Counter,
) -> None:
    add_plan(counter)
    counter.store.plans[-1].status = "Cancelled"

    [plan] = consumer_plans(counter.uow, "ACC-1001")

    assert [(i.number, i.status.value) for i in plan.installments] == [
        (1, "Cancelled"),
        (2, "Cancelled"),
    ]
    assert plan.outstanding_minor == 10_000  # the ledger still says what was never paid
