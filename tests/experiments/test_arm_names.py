"""Variant names read as the engine's knobs (the analytics guide's names and plain ones)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.recovery.experiments.arms import knobs_for, knobs_of, partial_amount
from app.services.experiments import create_experiment
from tests.messaging.helpers import recovery_db


@pytest.mark.parametrize(
    ("strategy", "variant", "field", "value"),
    [
        ("retry_timing", "delayed_4h", "retry_delay", timedelta(hours=4)),
        ("retry_timing", "immediate", "retry_delay", timedelta(0)),
        ("notification_timing", "delayed_24h", "notice_delay", timedelta(hours=24)),
        ("grace_period", "10_days", "grace", timedelta(days=10)),
        ("retry_amounts", "reduced_25", "amount_share", 0.75),
        ("retry_amounts", "partial_50", "amount_share", 0.5),
        ("retry_amounts", "full_amount", "amount_share", 1.0),
        ("dunning_sequence", "moderate", "reminder_spacing", timedelta(days=3)),
        ("dunning_sequence", "aggressive", "tone", "urgent"),
        ("retention_offers", "small_discount", "offer_percent", 10),
        ("retention_offers", "discount_15", "offer_percent", 15),
        ("retention_offers", "payment_plan", "offer_plan", True),
    ],
)
def test_the_guides_variant_names_set_their_knob(strategy, variant, field, value):
    knobs = knobs_of(strategy, variant)
    assert getattr(knobs, field) == value
    assert knobs.arms == ((strategy, variant),)


def test_a_name_that_says_nothing_changes_nothing():
    assert knobs_of("grace_period", "blue").arms == ()
    assert knobs_of("retry_amounts", "reduced_150").arms == ()  # more than the whole


def test_arms_of_several_strategies_add_up():
    knobs = knobs_for({"grace_period": "3_days", "retry_amounts": "half"})
    assert knobs.grace == timedelta(days=3) and knobs.amount_share == 0.5


def test_a_partial_charge_is_a_share_of_the_amount_where_the_product_allows_it():
    assert partial_amount(10_001, 10_001, 0.5, "bill") == 5_001  # rounded up to a minor unit
    assert partial_amount(10_000, 4_000, 0.5, "installment") == 4_000  # never above what is owed
    assert partial_amount(10_000, 10_000, 0.5, "service") == 10_000  # a service is charged whole


def test_creating_a_test_with_arms_the_engine_cannot_read_says_so(tmp_path):
    engine = recovery_db(tmp_path)
    made = create_experiment(
        engine, name="grace", strategy="grace_period", variant_names=["7_days", "blue"],
        allocation=None, now=datetime(2027, 1, 1, tzinfo=UTC), by="mbrown",
    )  # fmt: skip
    assert made["notes"][0].startswith("The recovery engine cannot read blue as a grace_period")
