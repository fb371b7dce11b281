"""Plan schedules: exact sums in minor units, due dates by frequency, refused terms."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.recovery.plans import (
    Frequency,
    PlanRefused,
    PlanRules,
    add_months,
    is_missed,
    schedule,
)

NO_MINIMUM = PlanRules(min_installment_minor=1)


@given(
    total=st.integers(min_value=2, max_value=10**12),
    count=st.integers(min_value=2, max_value=60),
    frequency=st.sampled_from(list(Frequency)),
    down_share=st.integers(min_value=0, max_value=99),
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
)
def test_installments_always_add_up_to_the_total_exactly(
    total, count, frequency, down_share, first
):
    down = total * down_share // 100
    if (total - down) // count < 1:
        with pytest.raises(PlanRefused):
            schedule(total, count, frequency, first, down, NO_MINIMUM)
        return
    rows = schedule(total, count, frequency, first, down, NO_MINIMUM)
    assert sum(r.amount_minor for r in rows) == total
    regular = [r for r in rows if not r.down_payment]
    assert len(regular) == count
    assert {r.amount_minor for r in regular[:-1]} <= {regular[0].amount_minor}
    assert regular[-1].amount_minor >= regular[0].amount_minor  # the remainder goes last
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))
    assert [r.due_date for r in rows] == sorted(r.due_date for r in rows)
    assert rows[0].due_date == first


def test_the_remainder_of_the_division_is_on_the_last_installment() -> None:
    rows = schedule(10_000, 3, "monthly", date(2027, 1, 15))
    assert [r.amount_minor for r in rows] == [3_333, 3_333, 3_334]


def test_monthly_plans_keep_the_31st_and_fall_back_to_the_month_end() -> None:
    rows = schedule(60_000, 5, "monthly", date(2027, 1, 31))
    assert [r.due_date for r in rows] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30),
        date(2027, 5, 31),
    ]  # fmt: skip
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # a leap year
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_weekly_and_biweekly_plans_step_seven_and_fourteen_days() -> None:
    weekly = schedule(30_000, 3, "weekly", date(2027, 12, 27))
    assert [r.due_date for r in weekly] == [date(2027, 12, 27), date(2028, 1, 3), date(2028, 1, 10)]
    biweekly = schedule(30_000, 2, "biweekly", date(2027, 3, 1))
    assert [r.due_date for r in biweekly] == [date(2027, 3, 1), date(2027, 3, 15)]


def test_a_down_payment_is_installment_one_and_the_rest_starts_a_period_later() -> None:
    rows = schedule(20_000, 2, "monthly", date(2027, 1, 31), down_payment_minor=5_000)
    assert [(r.number, r.amount_minor, r.due_date, r.down_payment) for r in rows] == [
        (1, 5_000, date(2027, 1, 31), True),
        (2, 7_500, date(2027, 2, 28), False),
        (3, 7_500, date(2027, 3, 31), False),
    ]


@pytest.mark.parametrize(
    ("total", "count", "down", "says"),
    [
        (10_000, 1, 0, "at least 2"),
        (10_000, 2, 10_000, "less than the total"),
        (10_000, 2, 12_000, "less than the total"),
        (10_000, 2, -1, "negative"),
        (3_000, 4, 0, "minimum"),  # 7.50 each, under the 10.00 minimum
        (0, 2, 0, "Nothing is owed"),
    ],
)
def test_terms_that_cannot_make_a_plan_are_refused_with_the_reason(total, count, down, says):
    with pytest.raises(PlanRefused, match=says):
        schedule(total, count, "monthly", date(2027, 1, 1), down)


def test_an_unknown_frequency_is_refused() -> None:
    with pytest.raises(PlanRefused, match="weekly, biweekly, monthly"):
        schedule(10_000, 2, "daily", date(2027, 1, 1))


def test_an_installment_is_missed_only_after_the_grace_days() -> None:
    due = date(2027, 1, 1)
    assert not is_missed(due, date(2027, 1, 4), grace_days=3)
    assert is_missed(due, date(2027, 1, 5), grace_days=3)
