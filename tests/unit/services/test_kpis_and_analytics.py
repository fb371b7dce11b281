"""KPIs and dashboards on a fake unit of work: what was collected, against what fell due."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.domain.errors import PermissionDenied
from app.services.analytics import collections_by, collections_by_day, period_kpis
from app.services.kpis import collection_kpis
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter
from tests.support.fake_uow import NOON

FEB_10 = datetime(2026, 2, 10, 17, 0, tzinfo=UTC)


def pay(counter: Counter, kind: str, ref: str, amount: str, method: str = "Cash") -> None:
    request = PaymentRequest("ACC-1001", kind, (ref,), method, amount, username="cashier")
    record_payment(counter.uow, request)


@pytest.fixture
def collected(open_counter: Counter) -> Counter:
    """30.00 on 10 February; 90.00 on the bill and 25.00 on the late fee on 10 March."""
    open_counter.uow.clock = FEB_10
    pay(open_counter, "Bill", "INV-2026-000001", "30.00")
    open_counter.uow.clock = NOON
    pay(open_counter, "Bill", "INV-2026-000001", "90.00")
    pay(open_counter, "Service", "SC-2026-000001", "25.00", method="Bank Transfer")
    return open_counter


def test_this_months_collections_stand_against_the_same_days_last_month(
    collected: Counter,
) -> None:
    kpis = collection_kpis(collected.uow)

    assert (kpis.month_label, kpis.compared_with) == ("March 2026", "same days last month")
    assert (kpis.total_collected.value, kpis.total_collected.previous) == (11_500, 3_000)
    assert (kpis.payment_count.value, kpis.payment_count.previous) == (2, 1)
    assert (kpis.received_today.value, kpis.received_today_count.value) == (11_500, 2)
    # 115.00 of the 195.00 falling due from 1 to 10 March; nothing fell due in February.
    assert kpis.collection_rate.value == Decimal("59.0")
    assert kpis.collection_rate.previous is None


def test_a_past_month_is_compared_whole_with_the_month_before(collected: Counter) -> None:
    kpis = collection_kpis(collected.uow, "2026-02")

    assert (kpis.total_collected.value, kpis.total_collected.previous) == (3_000, 0)
    assert kpis.compared_with == "previous month"


def test_collections_by_method_list_every_configured_method(collected: Counter) -> None:
    by = collections_by(
        collected.uow, "method", date(2026, 3, 1), date(2026, 3, 10), username="manager"
    )

    amounts = {c.label: c.amount_minor for c in by.categories}
    assert (amounts["Cash"], amounts["Bank Transfer"], amounts["Mobile Wallet"]) == (
        9_000,
        2_500,
        0,
    )
    assert by.total_minor == 11_500


def test_collections_by_cashier_name_the_cashier(collected: Counter) -> None:
    by = collections_by(
        collected.uow, "cashier", date(2026, 2, 1), date(2026, 3, 10), username="manager"
    )

    assert [(c.label, c.amount_minor, c.count) for c in by.categories] == [
        ("Carla Cashier", 14_500, 3)
    ]


def test_each_day_stands_beside_the_same_day_of_the_previous_period(collected: Counter) -> None:
    daily = collections_by_day(
        collected.uow, date(2026, 3, 10), date(2026, 3, 10), username="manager"
    )

    [day] = daily.days
    assert (day.day, day.amount_minor, day.count, day.previous_day) == (
        date(2026, 3, 10),
        11_500,
        2,
        date(2026, 3, 9),
    )


def test_period_kpis_use_the_landing_pages_definitions(collected: Counter) -> None:
    kpis = period_kpis(collected.uow, date(2026, 3, 1), date(2026, 3, 10), username="manager")

    assert (kpis.total_collected.value, kpis.payment_count.value) == (11_500, 2)
    assert kpis.collection_rate.value == Decimal("59.0")


def test_a_cashier_does_not_see_the_dashboards(collected: Counter) -> None:
    with pytest.raises(PermissionDenied):
        collections_by(
            collected.uow, "method", date(2026, 3, 1), date(2026, 3, 10), username="cashier"
        )
