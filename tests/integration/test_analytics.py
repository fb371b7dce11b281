"""Dashboard figures from a real SQLite file: per day, by dimension, rate and time, CSV."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.db.database import Database
from app.db.queries import kpi_sums
from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.periods import ReportPeriod
from app.services.analytics import (
    collections_by,
    collections_by_day,
    dashboard,
    period_kpis,
    rate_and_time_series,
)
from app.services.analytics_csv import dashboard_csv, to_csv_rows, write_csv
from app.services.kpis import collection_kpis
from tests.support.payments import add_bill, online_payment, pay

APR_11, APR_20 = date(2025, 4, 11), date(2025, 4, 20)  # today is Sunday 20 Apr 2025


@pytest.fixture
def collections(db: Database) -> Database:
    """April 2025 at the counter. Due 11-20 Apr: 145.50 + 50.00 + 75.00 + 67.50 = 338.00."""
    add_bill(db, "INV-T-0001", 10_000, date(2025, 3, 20), date(2025, 4, 4))
    add_bill(db, "INV-T-0002", 5_000, date(2025, 4, 5), date(2025, 4, 19))
    pay(db, "bill", "INV-T-0001", 10_000, "Bank Transfer", "Walk-in", date(2025, 4, 3))  # 14 d
    pay(db, "bill", "INV-2025-001234", 14_550, "Cash", "Walk-in", date(2025, 4, 14))  # 14 d
    pay(db, "service", "Late Fee", 2_500, "Credit Card", "Phone", date(2025, 4, 14))  # 4 d
    # 29 days after the plan was made, recorded by the billing manager
    pay(db, "installment", "PP-2025-0034/1", 6_750, "Cheque", "Mail", date(2025, 4, 18), "mbrown")
    online_payment(db, "INV-T-0002", 5_000, date(2025, 4, 19), "Posted")  # 14 d
    online_payment(db, "INV-T-0002", 9_999, date(2025, 4, 19), "Pending")  # never counted
    return db


def test_collections_per_day_sit_beside_the_same_offset_of_the_previous_period(collections):
    daily = collections_by_day(collections.read(), APR_11, APR_20, username="mbrown")

    assert daily.previous == ReportPeriod(date(2025, 4, 1), date(2025, 4, 10))
    assert [(d.day.day, d.amount_minor, d.count) for d in daily.days if d.count] == [
        (14, 17_050, 2),
        (18, 6_750, 1),
        (19, 5_000, 1),
    ]
    assert len(daily.days) == 10
    apr_13 = daily.days[2]
    assert (apr_13.day, apr_13.previous_day) == (date(2025, 4, 13), date(2025, 4, 3))
    assert (apr_13.amount_minor, apr_13.previous_amount_minor, apr_13.previous_count) == (
        0,
        10_000,
        1,
    )
    assert sum(d.previous_amount_minor for d in daily.days) == 10_000


def test_a_shorter_previous_period_leaves_its_missing_days_empty(collections):
    march = ReportPeriod(date(2025, 3, 1), date(2025, 3, 31))
    february = ReportPeriod(date(2025, 2, 1), date(2025, 2, 28))

    daily = collections_by_day(
        collections.read(), march.start, march.end, username="mbrown", previous=february
    )

    assert daily.days[27].previous_day == date(2025, 2, 28)
    assert [d.previous_day for d in daily.days[28:]] == [None, None, None]


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        (
            "method",
            [
                ("Cash", 14_550, 1),
                ("Credit Card", 7_500, 2),
                ("Cheque", 6_750, 1),
                ("Debit Card", 0, 0),
                ("Bank Transfer", 0, 0),
                ("Mobile Wallet", 0, 0),
            ],
        ),
        (
            "channel",
            [
                ("Walk-in", 14_550, 1),
                ("Mail", 6_750, 1),
                ("Online", 5_000, 1),
                ("Phone", 2_500, 1),
                ("Drop Box", 0, 0),
                ("Field Collection", 0, 0),
            ],
        ),
        ("type", [("Bill", 19_550, 2), ("Installment", 6_750, 1), ("Service", 2_500, 1)]),
        (
            "cashier",
            [("Jane Smith", 17_050, 2), ("Michael Brown", 6_750, 1), ("System", 5_000, 1)],
        ),
    ],
)
def test_posted_payments_add_up_by_dimension(collections, dimension, expected):
    breakdown = collections_by(collections.read(), dimension, APR_11, APR_20, username="mbrown")

    assert [(c.label, c.amount_minor, c.count) for c in breakdown.categories] == expected
    assert breakdown.total_minor == 28_800


def test_the_cashier_breakdown_keys_users_by_username_and_online_payments_by_none(collections):
    breakdown = collections_by(collections.read(), "cashier", APR_11, APR_20, username="admin")

    assert [c.key for c in breakdown.categories] == ["jsmith", "mbrown", None]


def test_weekly_rate_and_collection_time_follow_the_kpi_definitions(collections):
    series = rate_and_time_series(collections.read(), APR_11, APR_20, "week", username="mbrown")

    first, second = series.points
    assert (first.period, second.period) == (
        ReportPeriod(date(2025, 4, 11), date(2025, 4, 13)),  # clipped to the period
        ReportPeriod(date(2025, 4, 14), date(2025, 4, 20)),
    )
    assert (first.collected_minor, first.due_minor, first.collection_rate) == (0, 0, None)
    assert first.avg_collection_days is None
    assert first.rolling_rate == Decimal("80.0")  # 14 Mar - 13 Apr: 100.00 of 125.00
    assert (second.collected_minor, second.due_minor) == (28_800, 33_800)
    assert second.collection_rate == Decimal("85.2")
    assert second.avg_collection_days == Decimal("15.3")  # (14 + 4 + 29 + 14) / 4
    assert second.rolling_rate == Decimal("83.8")  # 21 Mar - 20 Apr: 388.00 of 463.00


def test_daily_buckets_give_one_point_per_day(collections):
    series = rate_and_time_series(collections.read(), APR_11, APR_20, "day", username="mbrown")

    assert len(series.points) == 10
    apr_14 = series.points[3]
    assert (apr_14.collected_minor, apr_14.due_minor, apr_14.avg_collection_days) == (
        17_050,
        0,
        Decimal("9.0"),
    )
    assert apr_14.collection_rate is None  # nothing fell due that day


def test_period_kpis_match_the_landing_page_definitions(collections):
    kpis = period_kpis(collections.read(), APR_11, APR_20, username="mbrown")

    assert (kpis.total_collected.value, kpis.total_collected.previous) == (28_800, 10_000)
    assert kpis.total_collected.change_percent == Decimal("188.0")
    assert (kpis.payment_count.value, kpis.payment_count.previous) == (4, 1)
    assert (kpis.received_today.value, kpis.received_today.previous) == (0, 5_000)
    assert kpis.collection_rate.value == Decimal("85.2")
    assert kpis.avg_collection_time_days.value == Decimal("15.3")


def test_this_month_runs_to_today_against_the_same_days_of_last_month(collections):
    board = dashboard(collections.read(), "this_month", username="mbrown")

    assert board.period == ReportPeriod(date(2025, 4, 1), APR_20)
    assert board.previous == ReportPeriod(date(2025, 3, 1), date(2025, 3, 20))
    assert board.kpis.total_collected.value == 38_800
    assert board.by_type.total_minor == board.by_cashier.total_minor == 38_800
    assert sum(d.amount_minor for d in board.daily.days) == 38_800
    assert board.trend.bucket.value == "day"


def test_csv_rows_hold_what_each_chart_shows(collections, tmp_path: Path):
    board = dashboard(collections.read(), "custom", username="mbrown", start=APR_11, end=APR_20)

    method_rows = dashboard_csv(board, "method")
    assert method_rows[:4] == [
        ["Method", "Collected", "Payments", "Share %"],
        ["Cash", "145.50", "1", "50.5"],
        ["Credit Card", "75.00", "2", "26.0"],
        ["Cheque", "67.50", "1", "23.4"],
    ]
    daily_rows = dashboard_csv(board, "daily")
    assert daily_rows[0] == [
        "Day", "Collected", "Payments", "Previous day", "Previous collected", "Previous payments"
    ]  # fmt: skip
    assert daily_rows[3] == ["2025-04-13", "0.00", "0", "2025-04-03", "100.00", "1"]
    assert daily_rows[4] == ["2025-04-14", "170.50", "2", "2025-04-04", "0.00", "0"]
    assert len(daily_rows) == 11
    trend_rows = to_csv_rows(board.trend, "USD")
    assert trend_rows[4] == ["2025-04-14", "2025-04-14", "170.50", "0.00", "", "216.4", "9.0"]
    path = tmp_path / "method.csv"
    write_csv(path, method_rows)
    assert path.read_text(encoding="utf-8").splitlines()[1] == "Cash,145.50,1,50.5"


def test_a_cashier_may_not_view_the_dashboards(collections):
    with pytest.raises(PermissionDenied, match="cashier may not view the supervisor dashboards"):
        dashboard(collections.read(), "this_month", username="jsmith")
    with pytest.raises(PermissionDenied):
        collections_by(collections.read(), "method", APR_11, APR_20, username="jsmith")


def test_a_custom_period_must_run_forwards_and_fit_on_a_chart(db):
    with pytest.raises(UserFacingError, match="'from' date must be on or before the 'to' date"):
        dashboard(db.read(), "custom", username="mbrown", start=APR_20, end=APR_11)
    with pytest.raises(UserFacingError, match="at most 731 days"):
        collections_by_day(db.read(), date(2020, 1, 1), APR_20, username="mbrown")
    with pytest.raises(UserFacingError, match="Unknown dimension"):
        collections_by(db.read(), "terminal", APR_11, APR_20, username="mbrown")


# -- one definition for the landing page and the dashboard -------------------------------------
def test_this_month_is_compared_with_the_same_days_of_last_month(collections):
    """Month to date against 1-20 March, not all of March: 25 March's payment is not in it."""
    add_bill(collections, "INV-T-0003", 8_000, date(2025, 2, 20), date(2025, 3, 10))
    add_bill(collections, "INV-T-0004", 9_000, date(2025, 3, 5), date(2025, 3, 25))
    pay(collections, "bill", "INV-T-0003", 8_000, "Cash", "Walk-in", date(2025, 3, 10))
    pay(collections, "bill", "INV-T-0004", 9_000, "Cash", "Walk-in", date(2025, 3, 25))

    kpis = collection_kpis(collections.read())  # today is 20 Apr 2025

    assert (kpis.period, kpis.previous) == (
        ReportPeriod(date(2025, 4, 1), APR_20),
        ReportPeriod(date(2025, 3, 1), date(2025, 3, 20)),
    )
    assert kpis.compared_with == "same days last month"
    assert (kpis.total_collected.value, kpis.total_collected.previous) == (38_800, 8_000)
    assert kpis.total_collected.change_percent == Decimal("385.0")
    past = collection_kpis(collections.read(), "2025-03")  # a past month is whole
    assert past.previous == ReportPeriod(date(2025, 2, 1), date(2025, 2, 28))
    assert past.total_collected.value == 17_000 and past.compared_with == "previous month"


@pytest.mark.parametrize(("month", "choice"), [(None, "this_month"), ("2025-03", "last_month")])
def test_the_landing_page_and_the_dashboard_show_the_same_kpis(collections, month, choice):
    add_bill(collections, "INV-T-0003", 8_000, date(2025, 2, 20), date(2025, 3, 10))
    pay(collections, "bill", "INV-T-0003", 8_000, "Cash", "Walk-in", date(2025, 3, 10))
    landing = collection_kpis(collections.read(), month)
    board = dashboard(collections.read(), choice, username="mbrown")

    assert (landing.period, landing.previous) == (board.period, board.previous)
    for name in ("total_collected", "collection_rate", "avg_collection_time_days"):
        mine, theirs = getattr(landing, name), getattr(board.kpis, name)
        assert (mine.value, mine.previous, mine.change_percent) == (
            theirs.value,
            theirs.previous,
            theirs.change_percent,
        ), name


def test_the_rate_is_collected_against_what_fell_due_in_the_same_days(collections):
    """1-20 Apr: $388.00 collected against $463.00 falling due (bills on the 4th, 15th and
    19th, the late fee on the 10th, the reconnection fee on the 18th, an installment on the
    15th). Above 100 % only when more came in than fell due, and then it is flagged."""
    kpis = collection_kpis(collections.read())
    with collections.read() as uow:
        assert kpi_sums.due(uow.session, date(2025, 4, 1), APR_20) == 46_300
    assert kpis.collection_rate.value == Decimal("83.8")
    assert not kpis.includes_arrears
    # 10-14 Apr: only the $25.00 late fee fell due, but $170.50 came in (the March bill).
    span = period_kpis(collections.read(), date(2025, 4, 10), date(2025, 4, 14), username="mbrown")
    assert span.collection_rate.value == Decimal("682.0")
    assert span.includes_arrears
