"""The Stripe adapter against a loopback server speaking Stripe's REST API."""

from datetime import UTC, datetime, timedelta

import pytest

from sync.gateways.adapters.stripe import StripeAdapter
from sync.gateways.errors import GatewayError
from sync.gateways.status import advance


def test_a_charge_posts_the_payment_and_tags_it_with_the_account(stripe, fake_stripe):
    result = stripe.charge(
        14550, "USD", "pm_card_visa", "PAY-2025-004521", "key-1", account_number="WU-10001"
    )
    assert (result.approved, result.status, result.settlement) == (True, "Posted", "In Progress")
    assert (result.amount_minor, result.currency) == (14550, "USD")
    intent = fake_stripe.intents[result.external_id]
    assert intent["metadata"] == {"reference": "PAY-2025-004521", "account_number": "WU-10001"}
    assert intent["amount"] == 14550


def test_the_same_idempotency_key_twice_is_one_payment_intent(stripe, fake_stripe):
    first = stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-same")
    second = stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-same")
    assert first.external_id == second.external_id
    assert len(fake_stripe.intents) == 1


def test_an_answer_lost_after_stripe_charged_is_retried_into_the_same_intent(stripe, fake_stripe):
    fake_stripe.lose_next_answer()
    result = stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-lost")
    assert result.approved
    assert list(fake_stripe.intents) == [result.external_id]


def test_a_charge_whose_answer_times_out_is_retried_under_the_same_key_as_one_payment(
    fake_stripe, sleeps
):
    adapter = StripeAdapter(
        fake_stripe.secret_key, base_url=fake_stripe.url, sleep=sleeps, timeout=(2.0, 0.2)
    )
    fake_stripe.delay_next_answer(0.6)
    result = adapter.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-slow")
    assert result.approved
    assert list(fake_stripe.intents) == [result.external_id]
    assert len(fake_stripe.requests) == 2


def test_a_declined_card_is_a_failed_result_with_the_decline_code_not_an_error(stripe, fake_stripe):
    result = stripe.charge(
        14550, "USD", "pm_card_chargeDeclinedInsufficientFunds", "PAY-1", "key-2"
    )
    assert (result.approved, result.status, result.settlement) == (False, "Failed", "N/A")
    assert (result.decline_code, result.last4) == ("insufficient_funds", "0002")
    assert result.message == "Your card has insufficient funds."
    assert len(fake_stripe.requests) == 1  # a decline is never retried


def test_5xx_is_retried_with_back_off_until_stripe_answers(stripe, fake_stripe, sleeps):
    fake_stripe.fail_next(2, 500)
    result = stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-3")
    assert result.approved
    assert len(fake_stripe.requests) == 3
    assert len(sleeps) == 2
    assert {r.headers["Idempotency-Key"] for r in fake_stripe.requests} == {"key-3"}


def test_429_is_retried_and_a_lasting_outage_is_a_retryable_error(stripe, fake_stripe, sleeps):
    fake_stripe.fail_next(4, 429)
    with pytest.raises(GatewayError, match="unavailable") as raised:
        stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-4")
    assert raised.value.retryable
    assert len(fake_stripe.requests) == 4
    assert fake_stripe.intents == {}


def test_a_4xx_is_not_retried_and_says_what_stripe_said(stripe, fake_stripe):
    result = stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-5")
    with pytest.raises(GatewayError, match="cannot cancel") as raised:
        stripe.void(result.external_id)
    assert (raised.value.retryable, raised.value.http_status) == (False, 400)
    assert len(fake_stripe.requests) == 2


def test_a_wrong_secret_key_is_refused_without_retrying(fake_stripe, sleeps):
    adapter = StripeAdapter("sk_test_wrong", base_url=fake_stripe.url, sleep=sleeps)
    with pytest.raises(GatewayError, match="Invalid API Key") as raised:
        adapter.status("pi_1")
    assert (raised.value.http_status, raised.value.retryable, sleeps) == (401, False, [])


def test_an_unreachable_stripe_is_a_retryable_error(sleeps):
    adapter = StripeAdapter("sk", base_url="http://127.0.0.1:9", sleep=sleeps, attempts=2)
    with pytest.raises(GatewayError, match="could not be reached") as raised:
        adapter.status("pi_1")
    assert raised.value.retryable


def test_status_moves_from_in_progress_to_settled_when_funds_become_available(stripe, fake_stripe):
    charged = stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-6")
    before = stripe.status(charged.external_id)
    fake_stripe.settle(charged.external_id)
    after = stripe.status(charged.external_id)
    assert (before.status, before.settlement, before.last4) == ("Posted", "In Progress", "4242")
    assert (after.status, after.settlement) == ("Posted", "Settled")
    assert advance(*advance("Pending", "N/A", before), after) == ("Posted", "Settled")


def test_a_partial_refund_is_reported_and_cannot_exceed_what_is_left(stripe):
    charged = stripe.charge(14550, "USD", "pm_card_visa", "PAY-1", "key-7")
    refund = stripe.refund(charged.external_id, 4550)
    assert (refund.amount_minor, refund.succeeded, refund.external_id) == (
        4550,
        True,
        charged.external_id,
    )
    assert stripe.status(charged.external_id).refunded_minor == 4550
    with pytest.raises(GatewayError, match="greater than unrefunded amount"):
        stripe.refund(charged.external_id, 10001)
    assert stripe.refund(charged.external_id).amount_minor == 10000  # the rest


def test_voiding_an_unconfirmed_intent_cancels_it(stripe, fake_stripe):
    intent_id = fake_stripe.add_intent(2000, "requires_confirmation", created=1_745_157_600)
    result = stripe.void(intent_id)
    assert (result.status, result.approved) == ("Cancelled", False)
    assert stripe.status(intent_id).status == "Cancelled"


def test_list_failed_walks_every_page_and_returns_only_failed_attempts_oldest_first(
    stripe, fake_stripe
):
    start = datetime(2025, 4, 20, 14, 0, tzinfo=UTC)
    error = {"code": "card_declined", "decline_code": "do_not_honor"}
    failed = [
        fake_stripe.add_intent(
            1000 + n,
            "requires_payment_method",
            created=(start + timedelta(minutes=n)).timestamp(),
            last_payment_error=error,
        )
        for n in range(230)
    ]
    fake_stripe.add_intent(500, "succeeded", created=start.timestamp())
    fake_stripe.add_intent(500, "requires_payment_method", created=start.timestamp())  # no try yet
    fake_stripe.add_intent(
        700,
        "requires_payment_method",
        created=(start - timedelta(days=1)).timestamp(),
        last_payment_error=error,
    )  # before `since`
    events = stripe.list_failed(start)
    assert [e.external_id for e in events] == failed
    assert {(e.status, e.decline_code) for e in events} == {("Failed", "do_not_honor")}
    pages = [r for r in fake_stripe.requests if r.path == "/v1/payment_intents"]
    assert len(pages) == 3
