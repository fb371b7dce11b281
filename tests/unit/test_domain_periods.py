"""Dashboard periods: what each choice covers, what it is compared with, buckets, day totals."""

from datetime import date

import pytest

from app.domain.errors import UserFacingError
from app.domain.periods import (
    Bucket,
    DailyTotals,
    PeriodChoice,
    ReportPeriod,
    bucket_for,
    compared_with,
    month_periods,
    month_to,
    pick_period,
    previous_period,
)

TODAY = date(2025, 4, 20)
MARCH = (date(2025, 3, 1), date(2025, 3, 31))


@pytest.mark.parametrize(
    ("choice", "period", "previous"),
    [
        ("this_month", (date(2025, 4, 1), TODAY), (date(2025, 3, 1), date(2025, 3, 20))),
        ("last_month", MARCH, (date(2025, 2, 1), date(2025, 2, 28))),
        ("last_7_days", (date(2025, 4, 14), TODAY), (date(2025, 4, 7), date(2025, 4, 13))),
        ("last_30_days", (date(2025, 3, 22), TODAY), (date(2025, 2, 20), date(2025, 3, 21))),
        ("last_90_days", (date(2025, 1, 21), TODAY), (date(2024, 10, 23), date(2025, 1, 20))),
        ("this_year", (date(2025, 1, 1), TODAY), (date(2024, 1, 1), date(2024, 4, 20))),
    ],
)
def test_each_choice_covers_its_days_and_compares_day_one_with_day_one(choice, period, previous):
    chosen = pick_period(choice, TODAY)

    assert (chosen.start, chosen.end) == period
    compared = previous_period(choice, chosen)
    assert (compared.start, compared.end) == previous


def test_month_to_date_on_the_31st_is_compared_with_the_whole_of_a_shorter_month():
    chosen = pick_period(PeriodChoice.THIS_MONTH, date(2025, 3, 31))

    assert previous_period(PeriodChoice.THIS_MONTH, chosen) == ReportPeriod(
        date(2025, 2, 1), date(2025, 2, 28)
    )


def test_a_custom_range_is_compared_with_as_many_days_just_before_it():
    chosen = pick_period("custom", TODAY, date(2025, 4, 11), date(2025, 4, 20))

    assert previous_period("custom", chosen) == ReportPeriod(date(2025, 4, 1), date(2025, 4, 10))


def test_a_custom_range_must_run_forwards_and_be_complete():
    with pytest.raises(UserFacingError, match="'from' date must be on or before the 'to' date"):
        pick_period("custom", TODAY, date(2025, 4, 20), date(2025, 4, 1))
    with pytest.raises(UserFacingError, match="Choose both"):
        pick_period("custom", TODAY, date(2025, 4, 20), None)
    with pytest.raises(UserFacingError, match="at most 731 days"):
        ReportPeriod(date(2023, 1, 1), TODAY)


def test_weeks_run_monday_to_sunday_and_are_clipped_to_the_period():
    period = ReportPeriod(date(2025, 4, 11), date(2025, 4, 23))

    assert period.buckets(Bucket.WEEK) == [
        ReportPeriod(date(2025, 4, 11), date(2025, 4, 13)),
        ReportPeriod(date(2025, 4, 14), date(2025, 4, 20)),
        ReportPeriod(date(2025, 4, 21), date(2025, 4, 23)),
    ]
    months = ReportPeriod(date(2025, 1, 30), date(2025, 3, 2)).buckets(Bucket.MONTH)
    assert [(m.start.day, m.end.day) for m in months] == [(30, 31), (1, 28), (1, 2)]


def test_longer_periods_get_coarser_buckets():
    assert bucket_for(ReportPeriod(date(2025, 3, 1), date(2025, 3, 31))) is Bucket.DAY
    assert bucket_for(ReportPeriod(date(2025, 1, 21), TODAY)) is Bucket.WEEK
    assert bucket_for(ReportPeriod(date(2024, 4, 21), TODAY)) is Bucket.MONTH


@pytest.mark.parametrize(
    ("end", "start"),
    [
        (date(2025, 4, 15), date(2025, 3, 16)),
        (date(2025, 3, 31), date(2025, 3, 1)),  # February has no 31st
        (date(2025, 1, 10), date(2024, 12, 11)),
    ],
)
def test_the_rolling_month_holds_each_day_of_the_month_once(end, start):
    assert month_to(end) == ReportPeriod(start, end)


def test_daily_totals_add_up_any_range_and_ignore_days_outside():
    totals = DailyTotals(
        date(2025, 4, 1), date(2025, 4, 10), {date(2025, 4, 2): 500, date(2025, 4, 9): 250}
    )

    assert totals.between(date(2025, 4, 1), date(2025, 4, 10)) == 750
    assert totals.between(date(2025, 4, 3), date(2025, 4, 9)) == 250
    assert totals.between(date(2025, 3, 1), date(2025, 4, 2)) == 500
    assert totals.on(date(2025, 4, 9)) == 250
    assert totals.on(None) == 0
    assert totals.between(date(2025, 5, 1), date(2025, 5, 31)) == 0


def test_a_months_kpis_compare_like_for_like():
    """This month to date against the same days of last month; a past month whole."""
    today = date(2026, 12, 4)
    assert month_periods(date(2026, 12, 1), today) == (
        ReportPeriod(date(2026, 12, 1), today),
        ReportPeriod(date(2026, 11, 1), date(2026, 11, 4)),
    )
    assert month_periods(date(2026, 11, 1), today) == (
        ReportPeriod(date(2026, 11, 1), date(2026, 11, 30)),
        ReportPeriod(date(2026, 10, 1), date(2026, 10, 31)),
    )
    # 31 March to date: February has only 28 days to set against it.
    assert month_periods(date(2025, 3, 1), date(2025, 3, 31))[1] == ReportPeriod(
        date(2025, 2, 1), date(2025, 2, 28)
    )


def test_a_tile_names_what_it_is_compared_with():
    mtd = month_periods(date(2026, 12, 1), date(2026, 12, 4))
    whole = month_periods(date(2026, 11, 1), date(2026, 12, 4))
    assert compared_with(*mtd) == "same days last month"
    assert compared_with(*whole) == "previous month"
    week = ReportPeriod(date(2026, 12, 1), date(2026, 12, 7))
    assert compared_with(week, week.before()) == "previous period"
