"""Offer, accept, pay and scan plans on a real recovery SQLite file."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.db.recovery_tables import recovery_cases, recovery_events
from app.domain.errors import UserFacingError
from app.services.recovery_cases import STATUSES, change_status, list_cases
from app.services.recovery_plan_scan import missed_installments, scan_missed_installments
from app.services.recovery_plans import (
    accept_plan,
    decline_plan,
    offer_plan,
    pay_installment,
    show_plan,
)
from tests.recovery_plans.helpers import NOW, counts, seeded


def _offer(engine, case_id="K1", count=3, **kw):
    return offer_plan(
        engine, case_id, installment_count=count, frequency=kw.pop("frequency", "monthly"),
        user="ravi", now=kw.pop("now", NOW), **kw,
    )  # fmt: skip


def _accepted(engine, case_id="K1", count=3, **kw):
    plan = _offer(engine, case_id, count, **kw)
    return accept_plan(
        engine, plan.plan_number, channel="phone", evidence="said yes on the call 10:04",
        user="ravi", now=NOW,
    )  # fmt: skip


def _case(engine, case_id):
    with engine.connect() as connection:
        row = connection.execute(select(recovery_cases).where(recovery_cases.c.id == case_id))
        return dict(row.one()._mapping)


def test_an_offer_spreads_what_the_case_owes_over_the_installments(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [20_250])
    plan = _offer(engine, down_payment_minor=5_000, first_due=date(2027, 1, 31))
    assert plan.plan_number == "RP-2027-0001" and plan.status == "offered"
    assert [(i.number, i.amount_minor, i.due_date) for i in plan.installments] == [
        (1, 5_000, date(2027, 1, 31)), (2, 5_083, date(2027, 2, 28)),
        (3, 5_083, date(2027, 3, 31)), (4, 5_084, date(2027, 4, 30)),
    ]  # fmt: skip
    assert _case(engine, "K1")["status"] == "open"  # still chased until the consumer says yes
    with pytest.raises(UserFacingError, match="already has plan RP-2027-0001"):
        _offer(engine, "K1")


def test_acceptance_keeps_the_evidence_and_parks_the_case_as_plan(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [9_000])
    plan = _accepted(engine)
    assert (plan.status, plan.accepted_channel, plan.accepted_by) == ("accepted", "phone", "ravi")
    assert plan.acceptance_text == "said yes on the call 10:04"
    case = _case(engine, "K1")
    assert case["status"] == "plan" and case["next_at"] is None
    assert "plan" in STATUSES and [c["id"] for c in list_cases(engine, "plan")] == ["K1"]
    with engine.connect() as connection:
        kinds = connection.execute(select(recovery_events.c.type)).scalars().all()
    assert kinds == ["plan_offered", "plan_accepted"]


@pytest.mark.parametrize(
    ("terms", "says"),
    [
        ({"count": 1}, "at least 2"),
        ({"down_payment_minor": 9_000}, "less than the total"),
        ({"count": 10}, "minimum"),
        ({"frequency": "daily"}, "Unknown frequency"),
        ({"first_due": date(2027, 1, 1)}, "in the past"),
        ({"case_id": "NOPE"}, "no recovery case NOPE"),
    ],
)
def test_refused_offers_write_nothing(tmp_path, terms, says) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [9_000])
    before = counts(engine)
    with pytest.raises(UserFacingError, match=says):
        _offer(engine, **terms)
    assert counts(engine) == before


@pytest.mark.parametrize("status", ["paid", "stopped"])
def test_a_paid_or_stopped_case_gets_no_plan(tmp_path, status) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [9_000])
    if status == "stopped":
        change_status(engine, "K1", "stop", "consumer disputes it", NOW)
    else:
        with engine.begin() as connection:
            connection.execute(update(recovery_cases).values(status="paid", recovered_minor=9_000))
    before = counts(engine)
    with pytest.raises(UserFacingError, match=f"K1 is {status}"):
        _offer(engine)
    assert counts(engine) == before


def test_a_declined_offer_leaves_the_case_chased_and_can_be_replaced(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [9_000])
    plan = _offer(engine)
    assert decline_plan(
        engine, plan.plan_number, reason="too long", user="ravi", now=NOW
    ).status == ("declined")
    assert _case(engine, "K1")["status"] == "open"
    assert _offer(engine).plan_number == "RP-2027-0002"
    with pytest.raises(UserFacingError, match="declined: it cannot be accepted"):
        accept_plan(engine, plan.plan_number, channel="link", evidence="x", user="u", now=NOW)


def test_installment_payments_complete_the_plan_and_pay_the_case(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [6_000])
    plan = _accepted(engine, count=2)
    with pytest.raises(UserFacingError, match="owes 3000"):
        pay_installment(engine, plan.plan_number, 1, 3_001, user="cashier", now=NOW)
    view = pay_installment(engine, plan.plan_number, 1, 1_000, user="cashier", now=NOW)
    assert [i.status for i in view.installments] == ["partly", "due"]
    pay_installment(engine, plan.plan_number, 1, 2_000, user="cashier", now=NOW)
    view = pay_installment(engine, plan.plan_number, 2, 3_000, user="cashier", now=NOW)
    assert view.status == "completed" and view.paid_minor == 6_000
    assert _case(engine, "K1")["status"] == "paid"


def test_a_missed_installment_opens_one_case_even_when_the_scan_runs_twice(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [9_000])
    plan = _accepted(engine, first_due=date(2027, 1, 20))
    later = NOW + timedelta(days=12)  # due 20th, grace 3: missed on the 24th, now the 22nd
    assert missed_installments(engine, later, grace_days=3).missed == []
    assert show_plan(engine, plan.plan_number).installments[0].status == "overdue"
    first = missed_installments(engine, NOW + timedelta(days=15), grace_days=3)
    second = missed_installments(engine, NOW + timedelta(days=16), grace_days=3)
    assert first.missed == ["RP-2027-0001/1"] and first.cases_opened == ["RP-2027-0001/1"]
    assert second.missed == [] and second.cases_opened == []
    opened = [c for c in list_cases(engine) if c["id"] != "K1"]
    assert [(c["id"], c["amount_minor"], c["status"]) for c in opened] == [
        ("RP-2027-0001/1", 3_000, "open")
    ]
    case = _case(engine, "RP-2027-0001/1")
    assert (case["source"], case["product"], case["instrument"]) == (
        "plan",
        "installment",
        "vault-1",
    )
    view = show_plan(engine, plan.plan_number)
    assert view.installments[0].status == "missed"
    assert view.installments[0].missed_case_id == "RP-2027-0001/1" and view.status == "accepted"


def test_the_case_of_a_missed_installment_pays_the_installment_when_recovered(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [9_000])
    plan = _accepted(engine, first_due=date(2027, 1, 20))
    scan_missed_installments(engine, NOW + timedelta(days=15))
    with engine.begin() as connection:
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == "RP-2027-0001/1")
            .values(status="paid", recovered_minor=3_000)
        )
    report = scan_missed_installments(engine, NOW + timedelta(days=16))
    again = scan_missed_installments(engine, NOW + timedelta(days=17))
    assert report.paid == ["RP-2027-0001/1"] and again.paid == []
    installment = show_plan(engine, plan.plan_number).installments[0]
    assert (installment.paid_minor, installment.status) == (3_000, "paid")


def test_a_plan_is_broken_after_two_missed_installments(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [9_000])
    plan = _accepted(engine, first_due=date(2027, 1, 20), frequency="weekly")
    one = scan_missed_installments(engine, date_at(2027, 1, 25))
    assert one.missed == ["RP-2027-0001/1"] and one.broken == []
    two = scan_missed_installments(engine, date_at(2027, 2, 1))
    assert two.missed == ["RP-2027-0001/2"] and two.broken == ["RP-2027-0001"]
    # The installment not yet due comes back as one case for the balance.
    assert two.cases_opened == ["RP-2027-0001/2", "RP-2027-0001/balance"]
    assert show_plan(engine, plan.plan_number).status == "broken"
    three = scan_missed_installments(engine, date_at(2027, 3, 1))
    assert three.missed == [] and three.cases_opened == []  # a broken plan is no longer scanned
    amounts = {c["id"]: c["amount_minor"] for c in list_cases(engine)}
    assert amounts == {
        "K1": 9_000, "RP-2027-0001/1": 3_000, "RP-2027-0001/2": 3_000,
        "RP-2027-0001/balance": 3_000,
    }  # fmt: skip
    with engine.connect() as connection:
        kinds = connection.execute(
            select(recovery_events.c.type).where(recovery_events.c.case_id == "K1")
        ).scalars()
        assert list(kinds)[-1] == "plan_broken"


def test_a_plan_paid_through_its_cases_after_breaking_is_completed(tmp_path) -> None:
    _, engine = seeded(tmp_path / "r.sqlite", [6_000])
    plan = _accepted(engine, count=2, first_due=date(2027, 1, 20), frequency="weekly")
    scan_missed_installments(engine, date_at(2027, 2, 10))  # both missed: broken, no balance
    with engine.begin() as connection:
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.source == "plan")
            .values(status="paid", recovered_minor=recovery_cases.c.amount_minor)
        )
    report = scan_missed_installments(engine, date_at(2027, 2, 11))
    assert report.completed == ["RP-2027-0001"]
    assert show_plan(engine, plan.plan_number).status == "completed"
    assert _case(engine, "K1")["status"] == "paid"


def date_at(year: int, month: int, day: int):
    return NOW.replace(year=year, month=month, day=day)


def test_a_link_paid_after_the_plan_was_accepted_pays_the_installments(tmp_path) -> None:
    from app.services.payment_link_checkout import CheckoutPaid
    from app.services.payment_links import PaymentLinks

    _, engine = seeded(tmp_path / "r.sqlite", [6_000])
    links = PaymentLinks(engine, lambda: b"plan-test-secret-0123456789abcdef0123", lambda: NOW)
    link = links.issue("K1")  # sent before the plan; the consumer pays it afterwards
    plan = _accepted(engine, count=2)
    settled = links.settle(
        CheckoutPaid("K1", link.nonce, 6_000, "USD", "cs_1", "pi_1")
    )  # the gateway's 'paid' event
    assert settled.settled
    report = scan_missed_installments(engine, NOW + timedelta(days=1))
    assert report.paid == ["RP-2027-0001/1", "RP-2027-0001/2"]
    assert report.completed == ["RP-2027-0001"]
    assert show_plan(engine, plan.plan_number).paid_minor == 6_000
    assert _case(engine, "K1")["status"] == "paid"
    assert scan_missed_installments(engine, NOW + timedelta(days=2)).paid == []
