"""Payment-method metrics on a hand-built recovery database (a real SQLite file), exact numbers."""

from datetime import date

import pytest

from app.domain.errors import UserFacingError
from app.services.recovery_analytics import analytics, record_charge_volume, set_cost_rate
from tests.analytics.recovery_rows import (
    add_attempt,
    add_case,
    at,
    recovery_engine,
)
from tests.support.metrics import JANUARY, assert_january_by_method, january


@pytest.fixture
def engine(tmp_path):
    return january(recovery_engine(tmp_path))


def test_by_method_every_metric_is_exact(engine):
    assert_january_by_method(engine)


def test_by_category_uses_each_methods_own_categories(engine):
    rows = {row.key: row for row in analytics(engine, "category", *JANUARY).rows}
    assert set(rows) == {
        "credit_card/expired", "credit_card/fraudulent", "debit_card/daily_limit",
        "enach/insufficient_funds", "upi_autopay/verification_required", "all",
    }  # fmt: skip
    # A category's failure rate is its share of its method's charges.
    assert rows["credit_card/expired"].failure_rate == 1 / 140
    assert rows["debit_card/daily_limit"].failure_rate == 1 / 50


def test_by_gateway_and_segment(engine):
    gateways = {row.key: row for row in analytics(engine, "gateway", *JANUARY).rows}
    assert gateways["stripe"].failure_rate == 2 / 150
    assert gateways["nmi"].failure_rate == 1 / 40
    assert gateways["razorpay"].recovery_rate == 0.5
    segments = {row.key: row for row in analytics(engine, "segment", *JANUARY).rows}
    assert segments["vip"].failed == 2 and segments["vip"].failure_rate is None
    assert segments["standard"].churn_rate == 1 / 3


def test_the_period_decides_which_failures_count(engine):
    december = analytics(engine, "method", date(2026, 12, 1), date(2026, 12, 31)).rows
    assert [(r.key, r.failed, r.charges) for r in december] == [
        ("credit_card", 1, 999),
        ("all", 1, 999),
    ]


def test_without_volume_the_failure_rate_is_unknown_not_guessed(tmp_path):
    engine = recovery_engine(tmp_path)
    add_case(engine, "c1")
    add_attempt(engine, "c1", at("2027-01-06T10:00:00"), False)
    report = analytics(engine, "method", *JANUARY)
    assert not report.volume_known
    assert report.rows[0].failure_rate is None and report.rows[0].retry_decline_rate == 1.0


def test_bad_input_is_refused_with_a_message(engine):
    with pytest.raises(UserFacingError, match="before it starts"):
        analytics(engine, "method", date(2027, 2, 1), date(2027, 1, 1))
    with pytest.raises(UserFacingError, match="Unknown method"):
        record_charge_volume(engine, date(2027, 1, 1), "card", "stripe", 10)
    with pytest.raises(UserFacingError, match="negative"):
        set_cost_rate(engine, "message", "sms", -1)


def test_recording_volume_again_replaces_the_day(engine):
    record_charge_volume(engine, date(2027, 1, 10), "debit_card", "stripe", 200)
    rows = {r.key: r for r in analytics(engine, "method", *JANUARY).rows}
    assert rows["debit_card"].charges == 200
