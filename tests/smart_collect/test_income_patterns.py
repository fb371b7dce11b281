"""Income patterns and windows inferred from histories whose paydays are known."""

from datetime import date, timedelta

import pytest

from app.recovery.smart_collect.income import Credit, PayKind, distance, infer_income
from app.recovery.smart_collect.window import next_window, window_for
from sync.simulation.behaviour import PaySchedule
from tests.smart_collect.histories import credits

YEAR = date(2026, 1, 1)


@pytest.mark.parametrize("payday", [3, 10, 15, 25, 28])
def test_a_monthly_payday_is_found_within_a_day(payday):
    pattern = infer_income(credits(PaySchedule("monthly", day=payday), YEAR, 365))
    assert pattern.kind is PayKind.MONTHLY
    assert distance(pattern.typical_day, payday) <= 1
    assert pattern.consistency >= 80
    assert pattern.typical_amount_minor == pytest.approx(250_000, rel=0.02)
    assert pattern.amount_cv < 0.02


def test_a_month_end_payday_is_found_within_a_day():
    pattern = infer_income(credits(PaySchedule("monthly", day=31), YEAR, 365))
    assert pattern.kind is PayKind.MONTHLY and distance(pattern.typical_day, 31) <= 1


def test_semi_monthly_paydays_are_the_first_and_the_fifteenth():
    pattern = infer_income(credits(PaySchedule("semimonthly"), YEAR, 365))
    assert pattern.kind is PayKind.SEMI_MONTHLY
    assert pattern.paydays == (1, 15)


def test_a_biweekly_earner_gets_windows_fourteen_days_apart():
    pattern = infer_income(credits(PaySchedule("biweekly", anchor="2026-01-09"), YEAR, 200))
    assert pattern.kind is PayKind.BIWEEKLY
    assert pattern.cycle_days == 14
    first = next_window(pattern, date(2026, 9, 1))
    second = next_window(pattern, first.end + timedelta(days=1))
    assert (first.payday - date(2026, 1, 9)).days % 14 == 0
    assert (second.payday - first.payday).days == 14
    assert pattern.consistency >= 80


@pytest.mark.parametrize("salt", [1, 2, 3])
def test_an_irregular_earner_gets_low_confidence(salt):
    pattern = infer_income(credits(PaySchedule("irregular", salt=salt), YEAR, 365))
    assert pattern.kind is PayKind.IRREGULAR
    assert pattern.consistency < 40
    window = next_window(pattern, date(2027, 1, 3))
    assert window is not None and window.confidence < 40


def test_the_window_runs_from_two_to_seven_days_after_the_payday():
    pattern = infer_income(credits(PaySchedule("monthly", day=15), YEAR, 365))
    window = window_for(pattern, date(2027, 3, 25))
    assert (window.payday, window.start, window.end) == (
        date(2027, 3, 15), date(2027, 3, 17), date(2027, 3, 22),
    )  # fmt: skip
    assert "day 15" in window.reason
    assert window.confidence == pattern.consistency


def test_a_weekend_payday_moves_to_the_friday_before():
    pattern = infer_income(credits(PaySchedule("monthly", day=15), YEAR, 365))
    # 2027-05-15 is a Saturday: the salary comes on Friday the 14th.
    assert pattern.next_credit(date(2027, 5, 1)) == date(2027, 5, 14)


def test_today_inside_a_window_starts_the_window_today():
    pattern = infer_income(credits(PaySchedule("monthly", day=15), YEAR, 365))
    window = next_window(pattern, date(2027, 3, 19))
    assert (window.start, window.end) == (date(2027, 3, 19), date(2027, 3, 22))
    after = next_window(pattern, date(2027, 3, 23))
    assert after.start == date(2027, 4, 17)


def test_fewer_than_three_credits_give_no_pattern_and_no_window():
    pattern = infer_income([Credit(date(2027, 1, 3), 100_000), Credit(date(2027, 2, 3), 100_000)])
    assert pattern.kind is PayKind.UNKNOWN
    assert next_window(pattern, date(2027, 2, 10)) is None


def test_a_short_consistent_history_is_less_sure_than_a_long_one():
    pay = PaySchedule("monthly", day=10)
    short = infer_income(credits(pay, date(2026, 10, 1), 95))
    long = infer_income(credits(pay, YEAR, 365))
    assert short.kind is PayKind.MONTHLY
    assert short.consistency < long.consistency
