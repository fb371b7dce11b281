"""The server polls the gateways for online payments that are not final: a lost webhook or a
settlement that only the gateway knows about still reaches the counters, moving only forward."""

import time
from datetime import UTC, datetime

import requests

from sync.gateways.adapters.stripe import StripeAdapter
from sync.gateways.testing import sign_stripe, stripe_event_body
from sync.server.polling import poll_gateways, unsettled
from tests.gateways.fakes import FakeStripe
from tests.support.keyring import STRIPE_SECRET


def _webhook(server, body: bytes) -> requests.Response:
    header = sign_stripe(body, STRIPE_SECRET, int(time.time()))
    return requests.post(
        f"{server.url}/v1/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        timeout=30,
    )


def _online(counter) -> dict:
    [payment] = [c["data"] for c in counter.pull_all() if c["entity"] == "payment"]
    return payment


def test_a_settlement_only_the_gateway_knows_reaches_the_counters(server, sample):
    counter = server.register("T01")
    with FakeStripe() as stripe:
        intent = stripe.add_intent(14550, "succeeded", created=time.time())
        body = stripe_event_body(
            "payment_intent.succeeded", intent, 14550, account_number="WU-10001"
        )
        assert _webhook(server, body).status_code == 200
        assert unsettled(server.engine, "stripe") == {intent: ("Posted", "In Progress")}
        adapter = StripeAdapter(stripe.secret_key, base_url=stripe.url)

        quiet = poll_gateways(server.engine, {"stripe": adapter}, lambda: datetime.now(UTC))
        stripe.settle(intent)
        settled = poll_gateways(server.engine, {"stripe": adapter}, lambda: datetime.now(UTC))
        again = poll_gateways(server.engine, {"stripe": adapter}, lambda: datetime.now(UTC))

    assert (quiet.asked, quiet.moved) == (1, [])  # nothing new: the same status twice
    assert (settled.asked, settled.moved) == (1, [intent])
    assert again.asked == 0  # settled payments are not asked about any more
    online = _online(counter)
    assert (online["status"], online["settlement_status"]) == ("Posted", "Settled")
    assert online["amount_minor"] == 14550


def test_a_gateway_that_does_not_answer_is_reported_and_changes_nothing(server, sample):
    counter = server.register("T01")
    with FakeStripe() as stripe:
        intent = stripe.add_intent(2000, "succeeded", created=time.time())
        body = stripe_event_body(
            "payment_intent.succeeded", intent, 2000, account_number="WU-10001"
        )
        assert _webhook(server, body).status_code == 200
        stripe.fail_next(times=20, status=503)
        adapter = StripeAdapter(
            stripe.secret_key, base_url=stripe.url, attempts=2, sleep=lambda _s: None
        )
        summary = poll_gateways(server.engine, {"stripe": adapter}, lambda: datetime.now(UTC))

    assert summary.down == ["stripe"]
    assert summary.moved == []
    online = _online(counter)
    assert (online["status"], online["settlement_status"]) == ("Posted", "In Progress")
