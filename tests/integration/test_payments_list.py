"""The All Payments list filtered the way the dashboard drills down: by channel and by cashier."""

from datetime import date

import pytest

from app.domain.errors import UserFacingError
from app.services.payments_list import (
    SYSTEM_CASHIER,
    SYSTEM_LABEL,
    PaymentCount,
    PaymentQuery,
    count_matching,
    count_payments,
    list_payments,
)
from tests.support.payments import add_bill, online_payment, pay


@pytest.fixture
def payments(db):
    """Four counter payments by two cashiers over four channels, and one online payment."""
    add_bill(db, "INV-T-0002", 5_000, date(2025, 4, 5), date(2025, 4, 19))
    pay(db, "bill", "INV-2025-001234", 14_550, "Cash", "Walk-in", date(2025, 4, 14))
    pay(db, "service", "Late Fee", 2_500, "Credit Card", "Phone", date(2025, 4, 14))
    pay(db, "installment", "PP-2025-0034/1", 6_750, "Cheque", "Mail", date(2025, 4, 18), "mbrown")
    pay(db, "service", "Reconnection Fee", 7_500, "Cash", "Phone", date(2025, 4, 19), "mbrown")
    online_payment(db, "INV-T-0002", 5_000, date(2025, 4, 19), "Posted")
    return db


def amounts(db, **query) -> list[tuple[int, str, str | None]]:
    page = list_payments(db.read(), PaymentQuery(**query))
    return [(r.amount_minor, r.channel, r.cashier) for r in page.rows]


def test_the_channel_filter_lists_only_that_channels_payments(payments):
    assert amounts(payments, channel="Phone") == [
        (7_500, "Phone", "mbrown"),
        (2_500, "Phone", "jsmith"),
    ]
    assert count_payments(payments.read(), PaymentQuery(channel="phone")) == 2


def test_a_channel_no_longer_in_settings_still_lists_its_payments(payments):
    assert amounts(payments, channel="Online") == [(5_000, "Online", None)]


def test_the_cashier_filter_lists_what_that_user_recorded_and_names_them(payments):
    page = list_payments(payments.read(), PaymentQuery(cashier="mbrown"))

    assert [r.amount_minor for r in page.rows] == [7_500, 6_750]
    assert page.cashier_name == "Michael Brown"


def test_the_system_cashier_lists_the_online_payments_nobody_recorded(payments):
    page = list_payments(payments.read(), PaymentQuery(cashier=SYSTEM_CASHIER))

    assert [(r.amount_minor, r.cashier) for r in page.rows] == [(5_000, None)]
    assert page.cashier_name == SYSTEM_LABEL


def test_channel_cashier_and_period_combine(payments):
    assert amounts(payments, channel="Phone", cashier="jsmith", date_from=date(2025, 4, 14)) == [
        (2_500, "Phone", "jsmith")
    ]
    assert amounts(payments, channel="Mail", cashier="jsmith") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (PaymentQuery(channel="Carrier pigeon"), "Unknown channel 'Carrier pigeon'"),
        (PaymentQuery(cashier="nobody"), "No cashier named 'nobody'"),
    ],
)
def test_an_unknown_channel_or_cashier_is_refused(payments, query, message):
    with pytest.raises(UserFacingError, match=message):
        list_payments(payments.read(), query)
    with pytest.raises(UserFacingError, match=message):
        count_payments(payments.read(), query)


def test_the_total_beside_the_list_counts_the_same_filter_and_stops_at_the_cap(
    payments, monkeypatch
):
    """'100 shown of 1,234': counted over the list's own filter; past the cap (10,000 on
    a real counter, 3 here) only 'more than', so a million rows cost no more than that."""
    assert count_matching(payments.read(), PaymentQuery()) == PaymentCount(5)
    assert count_matching(payments.read(), PaymentQuery(channel="Phone")) == PaymentCount(2)
    assert count_matching(payments.read(), PaymentQuery(search="zz")) == PaymentCount(0)
    monkeypatch.setattr("app.services.payments_list.COUNT_CAP", 3)
    assert count_matching(payments.read(), PaymentQuery()) == PaymentCount(3, more_than=True)
    assert count_matching(payments.read(), PaymentQuery(channel="Phone")) == PaymentCount(2)
