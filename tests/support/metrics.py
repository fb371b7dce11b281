"""A January of recovery metrics and what it should read as, by method."""

from datetime import date

from app.services.recovery_analytics import analytics, set_cost_rate
from tests.analytics.recovery_rows import (
    add_attempt,
    add_case,
    add_event,
    add_message,
    add_volume,
    at,
)

JANUARY = (date(2027, 1, 1), date(2027, 1, 31))


def january(engine):
    """Five failures of January 2027 (and one of December) across four methods."""
    # Anna's credit card expired; retried once more (declined), then the new card paid: 2 days.
    add_case(
        engine,
        "c1",
        consumer_id="anna",
        code="expired_card",
        category="expired_or_invalid",
        status="paid",
        recovered_minor=1000,
        failed_at=at("2027-01-05T10:00:00"),
    )
    add_attempt(engine, "c1", at("2027-01-06T10:00:00"), False, code="expired_card")
    add_attempt(engine, "c1", at("2027-01-07T10:00:00"), True)
    add_message(engine, "c1", "email")
    add_message(engine, "c1", "email")
    add_message(engine, "c1", "sms")
    add_message(engine, "c1", "sms", accepted=False)  # refused: costs nothing
    # Bob's debit card hit its daily limit twice; still open.
    add_case(
        engine,
        "c2",
        consumer_id="bob",
        card_type="debit",
        code="withdrawal_count_limit_exceeded",
        category="insufficient_funds",
        failed_at=at("2027-01-10T08:00:00"),
    )
    add_attempt(engine, "c2", at("2027-01-11T08:00:00"), False)
    add_attempt(engine, "c2", at("2027-01-12T08:00:00"), False)
    # Chen's card was reported fraudulent at NMI; he opted out and the case was stopped: churned.
    add_case(
        engine,
        "c3",
        consumer_id="chen",
        gateway="nmi",
        code="253",
        category="fraud",
        status="stopped",
        failed_at=at("2027-01-12T09:00:00"),
    )
    add_event(engine, "c3", "opted_out", at("2027-01-13T09:00:00"))
    # Devi's e-NACH bounced for funds, paid 4 days later and said she was satisfied; her UPI
    # AutoPay needs her to verify (MPIN), still open, and she was not satisfied.
    add_case(
        engine,
        "c4",
        consumer_id="devi",
        method="enach",
        gateway="razorpay",
        card_type="",
        card_network="",
        code="04",
        category="insufficient_funds",
        status="paid",
        recovered_minor=1000,
        segment="vip",
        failed_at=at("2027-01-10T06:00:00"),
    )
    add_attempt(engine, "c4", at("2027-01-14T06:00:00"), True)
    add_event(engine, "c4", "satisfaction", at("2027-01-15T06:00:00"), satisfied=True)
    add_case(
        engine,
        "c5",
        consumer_id="devi",
        method="upi_autopay",
        gateway="razorpay",
        card_type="",
        card_network="",
        code="ZM",
        category="expired_or_invalid",
        segment="vip",
        failed_at=at("2027-01-10T07:00:00"),
    )
    add_event(engine, "c5", "satisfaction", at("2027-01-15T07:00:00"), satisfied=False)
    # December: outside the period.
    add_case(engine, "c6", consumer_id="anna", failed_at=at("2026-12-20T10:00:00"))
    for day, method, gateway, charges in (
        (date(2027, 1, 5), "credit_card", "stripe", 100),
        (date(2027, 1, 12), "credit_card", "nmi", 40),
        (date(2027, 1, 10), "debit_card", "stripe", 50),
        (date(2027, 1, 10), "enach", "razorpay", 20),
        (date(2027, 1, 10), "upi_autopay", "razorpay", 30),
        (date(2026, 12, 20), "credit_card", "stripe", 999),
    ):
        add_volume(engine, day, method, gateway, charges)
    set_cost_rate(engine, "attempt", "stripe", 5)
    set_cost_rate(engine, "attempt", "nmi", 10)
    set_cost_rate(engine, "attempt", "*", 2)
    set_cost_rate(engine, "message", "email", 1)
    set_cost_rate(engine, "message", "sms", 20)
    return engine


def assert_january_by_method(engine):
    report = analytics(engine, "method", *JANUARY)
    rows = {row.key: row for row in report.rows}
    assert [row.key for row in report.rows] == [
        "credit_card", "debit_card", "enach", "upi_autopay", "all",
    ]  # fmt: skip
    card = rows["credit_card"]
    assert (card.failed, card.charges, card.failure_rate) == (2, 140, 2 / 140)
    assert (card.recovered, card.recovery_rate, card.avg_recovery_days) == (1, 0.5, 2.0)
    assert (card.retries, card.retry_decline_rate) == (2, 0.5)
    # Two stripe retries at 5, two emails at 1, one accepted SMS at 20.
    assert (card.recovery_cost_minor, card.cost_per_recovery_minor) == (32, 32)
    assert (card.consumers, card.churned, card.churn_rate) == (2, 1, 0.5)
    assert card.satisfaction_rate is None
    debit = rows["debit_card"]
    assert (debit.failure_rate, debit.recovery_rate, debit.unresolved) == (0.02, 0.0, 1)
    assert (debit.recovery_cost_minor, debit.cost_per_recovery_minor) == (10, None)
    enach = rows["enach"]
    assert (enach.avg_recovery_days, enach.recovery_cost_minor) == (4.0, 2)  # default fee
    assert (enach.satisfaction_responses, enach.satisfaction_rate) == (1, 1.0)
    total = rows["all"]
    assert (total.failed, total.charges, total.recovered) == (5, 240, 2)
    assert (total.recovery_rate, total.avg_recovery_days) == (0.4, 3.0)
    assert (total.retries, total.retry_decline_rate) == (5, 0.6)
    assert (total.recovery_cost_minor, total.cost_per_recovery_minor) == (44, 22)
    assert (total.consumers, total.churned, total.churn_rate) == (4, 1, 0.25)
    assert (total.satisfaction_responses, total.satisfaction_rate) == (2, 0.5)
    assert report.volume_known
