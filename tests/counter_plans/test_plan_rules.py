"""The plan rules with known answers: schedules that add up, refusals in words, compliance."""

from datetime import date

import pytest

from app.domain.counter_plans import (
    Frequency,
    KeptInstallment,
    PlanTerms,
    build_schedule,
    check_plan_record,
    check_terms,
)
from app.domain.errors import UserFacingError
from app.domain.plan_compliance import (
    InstallmentFacts,
    InstallmentState,
    Milestone,
    PlanState,
    plan_compliance,
)
from app.domain.record_rules import RecordInvalid

TODAY = date(2025, 4, 20)


def terms(**changes: object) -> PlanTerms:
    values: dict[str, object] = {
        "total_minor": 20_250,
        "down_payment_minor": 0,
        "installment_count": 3,
        "frequency": Frequency.MONTHLY,
        "first_due": date(2025, 5, 15),
        "start": TODAY,
    }
    return PlanTerms(**(values | changes))  # type: ignore[arg-type]


def test_the_spec_sample_plan_is_three_monthly_installments_of_67_50() -> None:
    schedule = build_schedule(terms())
    assert [(s.number, s.amount_minor, s.due_date) for s in schedule] == [
        (1, 6_750, date(2025, 5, 15)),
        (2, 6_750, date(2025, 6, 15)),
        (3, 6_750, date(2025, 7, 15)),
    ]


def test_a_down_payment_is_due_today_and_the_odd_cents_go_to_the_last_installment() -> None:
    schedule = build_schedule(
        terms(total_minor=10_000, down_payment_minor=2_500, frequency=Frequency.FORTNIGHTLY)
    )
    assert [(s.amount_minor, s.due_date, s.down_payment) for s in schedule] == [
        (2_500, TODAY, True),
        (2_500, date(2025, 5, 15), False),
        (2_500, date(2025, 5, 29), False),
        (2_500, date(2025, 6, 12), False),
    ]
    odd = build_schedule(terms(total_minor=10_001))
    assert [s.amount_minor for s in odd] == [3_333, 3_333, 3_335]
    assert sum(s.amount_minor for s in odd) == 10_001


def test_monthly_due_dates_stay_at_the_end_of_short_months() -> None:
    schedule = build_schedule(terms(first_due=date(2025, 5, 31), installment_count=2))
    assert [s.due_date for s in schedule] == [date(2025, 5, 31), date(2025, 6, 30)]


def test_a_modification_keeps_paid_installments_and_numbers_on_after_them() -> None:
    kept = [KeptInstallment(1, 6_750, date(2025, 4, 15))]
    schedule = build_schedule(terms(installment_count=2, first_due=date(2025, 5, 1)), kept)
    assert [(s.number, s.amount_minor, s.kept) for s in schedule] == [
        (1, 6_750, True),
        (2, 6_750, False),
        (3, 6_750, False),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"total_minor": 0}, "The plan total must be more than zero."),
        ({"down_payment_minor": 20_250}, "Nothing is left to spread"),
        ({"installment_count": 0}, "Installments must be between 1 and 60."),
        ({"installment_count": 61}, "Installments must be between 1 and 60."),
        ({"first_due": date(2025, 4, 19)}, "The first installment cannot fall due in the past."),
        ({"first_due": date(2025, 9, 1)}, "The first installment must fall due within 90 days."),
        ({"total_minor": 2, "installment_count": 3}, "at least one minor unit"),
    ],
)
def test_bad_terms_are_refused_in_words(changes: dict, message: str) -> None:
    with pytest.raises(UserFacingError, match=message):
        check_terms(terms(**changes), TODAY)


def test_a_down_payment_after_payments_and_a_total_below_what_was_paid_are_refused() -> None:
    kept = [KeptInstallment(1, 6_750, date(2025, 4, 15))]
    with pytest.raises(UserFacingError, match="a down payment can only be set"):
        check_terms(terms(down_payment_minor=100), TODAY, kept, 6_750)
    with pytest.raises(UserFacingError, match="less than what the consumer has already paid"):
        check_terms(terms(total_minor=6_000), TODAY, kept, 6_750)


def record(**changes: object) -> dict:
    base = {
        "id": "0190c0de-0000-7000-8000-000000000001",
        "consumer_id": "0190c0de-0000-7000-8000-000000000002",
        "created_on": "2025-04-20",
        "total_minor": 13_500,
        "down_payment_minor": 0,
        "frequency": "Monthly",
        "installments": [
            {"id": "0190c0de-0000-7000-8000-00000000000a", "number": 1,
             "amount_minor": 6_750, "due_date": "2025-05-15"},
            {"id": "0190c0de-0000-7000-8000-00000000000b", "number": 2,
             "amount_minor": 6_750, "due_date": "2025-06-15"},
        ],
    }  # fmt: skip
    return base | changes


def test_the_server_refuses_a_pushed_plan_that_does_not_add_up() -> None:
    check_plan_record(record())
    with pytest.raises(RecordInvalid, match="do not add up"):
        check_plan_record(record(total_minor=13_501))
    with pytest.raises(RecordInvalid, match=r"frequency|malformed"):
        check_plan_record(record(frequency="Hourly"))
    rows = record()["installments"]
    with pytest.raises(RecordInvalid, match="positive and increasing"):
        check_plan_record(record(installments=[rows[1], rows[0]]))


def facts(*rows: tuple[int, int, date, int]) -> list[InstallmentFacts]:
    return [InstallmentFacts(n, amount, due, paid) for n, amount, due, paid in rows]


def test_installments_are_paid_partly_paid_due_or_overdue_with_days_late() -> None:
    plan = plan_compliance(
        facts(
            (1, 6_750, date(2025, 3, 15), 6_750),
            (2, 6_750, date(2025, 4, 18), 0),  # 2 days late: within the grace
            (3, 6_750, date(2025, 5, 15), 1_000),
            (4, 6_750, date(2025, 6, 15), 0),
        ),
        TODAY,
    )
    assert [(i.state, i.days_late) for i in plan.installments] == [
        (InstallmentState.PAID, 0),
        (InstallmentState.OVERDUE, 2),
        (InstallmentState.PARTLY_PAID, 0),
        (InstallmentState.DUE, 0),
    ]
    assert plan.state is PlanState.ON_TRACK and plan.compliant


def test_one_missed_installment_puts_a_plan_behind_and_two_break_it() -> None:
    behind = plan_compliance(facts((1, 100, date(2025, 4, 10), 0), (2, 100, TODAY, 0)), TODAY)
    assert behind.state is PlanState.BEHIND and behind.installments[0].days_late == 10
    broken = plan_compliance(
        facts((1, 100, date(2025, 3, 10), 0), (2, 100, date(2025, 4, 10), 50)), TODAY
    )
    assert broken.state is PlanState.BROKEN and not broken.compliant
    assert [i.missed for i in broken.installments] == [True, True]


def test_milestones_carry_the_day_the_running_total_crossed_them() -> None:
    plan = plan_compliance(
        facts((1, 100, date(2025, 3, 1), 100), (2, 100, date(2025, 4, 1), 100)),
        TODAY,
        payments=[(date(2025, 3, 2), 100), (date(2025, 4, 3), 100)],
    )
    assert plan.state is PlanState.COMPLETED
    assert plan.milestones == (
        (Milestone.HALF_PAID, date(2025, 3, 2)),
        (Milestone.COMPLETED, date(2025, 4, 3)),
    )
