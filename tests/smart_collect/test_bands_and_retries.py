"""Bands at their edges, calibration, smart retries, signals, recommendations, the summary."""

from datetime import UTC, date, datetime

import pytest

from app.recovery.smart_collect.behaviour import (
    AttemptRecord,
    PaidBill,
    payment_behaviour,
    spending_pattern,
)
from app.recovery.smart_collect.income import Credit, infer_income
from app.recovery.smart_collect.probability import (
    Band,
    balance_band,
    band_of_probability,
    calibrate,
    forecast,
)
from app.recovery.smart_collect.recommendations import recommendations
from app.recovery.smart_collect.retry import MAX_RETRIES, next_retry
from app.recovery.smart_collect.signals import money_text, risk_signals
from app.recovery.smart_collect.summary import CollectionRecord, collection_summary, kpis
from app.recovery.smart_collect.upcoming import Scheduled, place_upcoming
from sync.simulation.behaviour import PaySchedule
from tests.smart_collect.histories import credits

EMI = 10_000


@pytest.mark.parametrize(
    ("current", "predicted", "band"),
    [
        (0, 15_000, Band.OPTIMAL),  # exactly 1.5x the amount
        (0, 14_999, Band.SCHEDULED),
        (0, 10_000, Band.SCHEDULED),  # exactly the amount
        (10_000, 9_999, Band.RISKY),  # today's balance covers it, the predicted one does not
        (9_999, 9_999, Band.CRITICAL),
    ],
)
def test_balance_bands_at_their_edges(current, predicted, band):
    assert balance_band(current, predicted, EMI) is band


@pytest.mark.parametrize(
    ("percent", "band"),
    [(85.0, Band.OPTIMAL), (84.9, Band.SCHEDULED), (60.0, Band.SCHEDULED),
     (59.9, Band.RISKY), (40.0, Band.RISKY), (39.9, Band.CRITICAL)],
)  # fmt: skip
def test_probability_bands_at_their_edges(percent, band):
    assert band_of_probability(percent) is band


def test_a_probability_stays_inside_its_bands_range():
    for strength in (0.0, 0.5, 1.0):
        chance = forecast(amount_minor=EMI, current_minor=0, predicted_minor=20_000,
                          rate=strength, consistency=100 * strength)  # fmt: skip
        assert 85 <= chance.probability <= 98 and chance.band is Band.OPTIMAL


def test_too_few_outcomes_keep_the_seeds_thresholds():
    assert calibrate([(90.0, False)] * 10 + [(20.0, True)] * 10) is None


def test_calibration_follows_observed_outcomes():
    # Forecasts of 90 % that in fact succeeded only half the time.
    outcomes = [(90.0, n % 2 == 0) for n in range(40)] + [(30.0, False)] * 20
    calibration = calibrate(outcomes)
    assert calibration is not None
    chance = forecast(amount_minor=EMI, current_minor=0, predicted_minor=20_000, rate=0.8,
                      consistency=80, calibration=calibration)  # fmt: skip
    assert chance.probability == pytest.approx(50.0, abs=1)
    assert chance.band is Band.RISKY and chance.raw >= 85
    assert "calibrated on 60 outcomes" in chance.basis


MONTHLY_15 = infer_income(credits(PaySchedule("monthly", day=15), date(2026, 1, 1), 365))


def test_low_balance_retries_the_day_after_the_predicted_credit():
    plan = next_retry("insufficient_funds", date(2027, 3, 10), 1, MONTHLY_15)
    assert plan.at == date(2027, 3, 16) and "credit due 2027-03-15" in plan.reason


def test_a_technical_failure_retries_the_next_day():
    assert next_retry("technical", date(2027, 3, 10), 2, MONTHLY_15).at == date(2027, 3, 11)


def test_retries_are_spaced_two_to_five_days_and_stop_at_four():
    plan = next_retry("do_not_honor", date(2027, 3, 10), 1, MONTHLY_15)
    assert 2 <= (plan.at - date(2027, 3, 10)).days <= 5
    stop = next_retry("insufficient_funds", date(2027, 3, 10), MAX_RETRIES, MONTHLY_15)
    assert stop.at is None and stop.escalate


def test_a_hard_decline_asks_for_a_new_method():
    plan = next_retry("hard", date(2027, 3, 10), 1, MONTHLY_15)
    assert plan.at is None and "new method" in plan.reason and not plan.escalate


def _declines(n: int, category: str = "insufficient_funds") -> list[AttemptRecord]:
    return [
        AttemptRecord("C1", datetime(2027, 3, 1 + 3 * k, 10, tzinfo=UTC), EMI, False, category)
        for k in range(n)
    ]


def test_signals_name_their_severity_and_date():
    irregular = infer_income(credits(PaySchedule("irregular", salt=4), date(2026, 1, 1), 365))
    attempts = _declines(4)
    balances = [Credit(date(2027, 2, d), 50_000, "aa", balance_minor=5_000) for d in (1, 10, 20)]
    signals = risk_signals(
        today=date(2027, 3, 20), income=irregular,
        spending=spending_pattern(attempts, balances, EMI),
        behaviour=payment_behaviour(
            [PaidBill(date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 15))], []
        ),
        attempts=attempts, owed_minor=EMI, money=money_text("USD"),
    )  # fmt: skip
    found = {s.signal_type: s for s in signals}
    assert set(found) == {"LOW_AVERAGE_BALANCE", "REPEATED_COLLECTION_FAILURES",
                          "IRREGULAR_INCOME", "POOR_CASH_MANAGEMENT", "PAYMENT_DELAYS"}  # fmt: skip
    assert found["LOW_AVERAGE_BALANCE"].severity == "HIGH"
    assert "50.00 USD" in found["LOW_AVERAGE_BALANCE"].description
    assert found["REPEATED_COLLECTION_FAILURES"].detected_date == date(2027, 3, 10)
    assert found["PAYMENT_DELAYS"].severity == "HIGH"  # 14 days late


def test_poor_cash_management_names_only_what_was_seen():
    """A balance always below the amount owed, with no declines, is said as such (it read
    "0 declines for insufficient funds ...; balance below ... 100% of the time")."""
    steady = MONTHLY_15
    balances = [Credit(date(2027, 2, d), 50_000, "aa", balance_minor=5_000) for d in (1, 10, 20)]
    signals = risk_signals(
        today=date(2027, 3, 20), income=steady, spending=spending_pattern([], balances, EMI),
        behaviour=payment_behaviour([], []), attempts=[], owed_minor=EMI,
        money=money_text("USD"),
    )  # fmt: skip
    [cash] = [s for s in signals if s.signal_type == "POOR_CASH_MANAGEMENT"]
    assert cash.description == "Balance below the amount owed 100% of the time"

    with_declines = risk_signals(
        today=date(2027, 3, 20), income=steady,
        spending=spending_pattern(_declines(2), balances, EMI),
        behaviour=payment_behaviour([], []), attempts=_declines(2), owed_minor=EMI,
        money=money_text("USD"),
    )  # fmt: skip
    [cash] = [s for s in with_declines if s.signal_type == "POOR_CASH_MANAGEMENT"]
    assert cash.description.startswith("2 declines for insufficient funds in the last 90 days")


def test_a_risky_collection_is_recommended_a_reschedule_to_the_window():
    upcoming = place_upcoming(
        [Scheduled("C1", "case", 200_000, "USD", date(2027, 3, 12))],
        MONTHLY_15, today=date(2027, 3, 5), rate=0.5,
    )  # fmt: skip
    [item] = upcoming
    assert item.status in (Band.RISKY, Band.CRITICAL) and not item.in_window
    assert item.suggested_date == date(2027, 3, 17)
    # The window shown is the suggested one, not its cycle's (17-22 Feb, long over).
    assert item.window is not None and item.window.start == date(2027, 3, 17)
    [first, *_] = recommendations(upcoming, [], MONTHLY_15)
    assert first.recommendation_type == "RESCHEDULE"
    assert "Wed 17 Mar 2027" in first.action_required  # read alike in every branch


def test_summary_counts_and_cost_saved_against_the_baseline():
    records = [
        CollectionRecord("A", 10_000, 10_000, "successful", 1, True),
        CollectionRecord("B", 10_000, 10_000, "successful", 1, True),
        CollectionRecord("C", 10_000, 0, "failed", 4, False),
        CollectionRecord("D", 20_000, 0, "pending", 2, False),
    ]
    summary = collection_summary(records, cost_per_retry_minor=5_000)
    assert (summary.successful_collections, summary.failed_collections,
            summary.pending_collections) == (2, 1, 1)  # fmt: skip
    assert summary.collection_success_rate == 50.0
    assert summary.total_amount_pending_minor == 20_000
    assert summary.average_retry_count == 2.0
    # first-attempt 50 % vs 30 %: 0.2 x 4 collections x 50.00 = 40.00
    assert summary.cost_saved_minor == 4_000
    met = {k.name: k.met for k in kpis(summary)}
    assert met["Collection success rate"] is False and met["Default rate"] is False


def test_a_history_without_attempts_has_no_retry_count():
    summary = collection_summary([])
    assert summary.average_retry_count == 0.0 and summary.collection_success_rate == 0.0
