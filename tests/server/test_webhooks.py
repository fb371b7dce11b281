"""Gateway webhooks: signed events become online payments that only move forward."""

import time
from datetime import UTC, datetime

import requests
from sqlalchemy import func, select, text

from sync.gateways.testing import nmi_event_body, sign_stripe, stripe_event_body
from sync.server.tables import payments
from tests.support.keyring import STRIPE_SECRET
from tests.support.server_webhooks import _nmi, _stripe


def _online(counter):
    return [c["data"] for c in counter.pull_all() if c["entity"] == "payment"]


def _payment_count(server):
    with server.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(payments))


def test_a_signed_stripe_payment_reaches_the_counters_as_an_online_payment(server, sample):
    counter = server.register("T01")
    body = stripe_event_body("payment_intent.succeeded", "pi_123", 14550, account_number="WU-10001")

    answer = _stripe(server, body)

    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["settlement_status"]) == (
        "Posted",
        "In Progress",
    )
    [online] = _online(counter)
    assert online["source"] == "online"
    assert online["received_by"] == "System"
    assert online["verification"] == "Pending"
    assert (online["amount_minor"], online["currency"]) == (14550, "USD")
    assert online["consumer_id"] == str(sample.consumer_id)
    assert (online["status"], online["settlement_status"]) == ("Posted", "In Progress")


def test_a_forged_or_expired_stripe_signature_is_refused_and_changes_nothing(server, sample):
    body = stripe_event_body("payment_intent.succeeded", "pi_9", 500, account_number="WU-10001")

    forged = _stripe(server, body, secret="whsec_someone_else")
    expired = _stripe(server, body, at=time.time() - 600)
    missing = requests.post(f"{server.url}/v1/webhooks/stripe", data=body, timeout=30)

    assert [r.status_code for r in (forged, expired, missing)] == [400, 400, 400]
    assert "tolerance" in expired.json()["detail"]
    assert _payment_count(server) == 0


def test_a_body_changed_after_signing_is_refused(server, sample):
    body = stripe_event_body("payment_intent.succeeded", "pi_7", 500, account_number="WU-10001")
    header = sign_stripe(body, STRIPE_SECRET, int(time.time()))

    answer = requests.post(
        f"{server.url}/v1/webhooks/stripe",
        data=body.replace(b'"amount": 500', b'"amount": 50000'),
        headers={"Stripe-Signature": header},
        timeout=30,
    )

    assert answer.status_code == 400
    assert _payment_count(server) == 0


def test_a_signed_nmi_sale_is_stored_and_a_forged_one_refused(server, sample):
    counter = server.register("T01")
    good = nmi_event_body("transaction.sale.success", "9876543210", 6750, order_id="WU-10001")
    forged = nmi_event_body("transaction.sale.success", "1111111111", 6750, order_id="WU-10001")

    assert _nmi(server, good).status_code == 200
    assert _nmi(server, forged, key="not-the-key").status_code == 400

    [online] = _online(counter)
    assert (online["gateway"], online["external_id"]) == ("nmi", "9876543210")
    assert (online["amount_minor"], online["status"]) == (6750, "Posted")


def test_the_same_event_delivered_twice_is_applied_once(server, sample):
    counter = server.register("T01")
    body = stripe_event_body(
        "payment_intent.succeeded", "pi_1", 2500, account_number="WU-10001", event_id="evt_1"
    )

    first, again = _stripe(server, body), _stripe(server, body)

    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert len(_online(counter)) == 1
    assert _payment_count(server) == 1
    with server.engine.connect() as conn:
        published = conn.scalar(text("SELECT count(*) FROM changes WHERE entity = 'payment'"))
    assert published == 1


def test_events_arriving_out_of_order_never_move_a_payment_backwards(server, sample):
    counter = server.register("T01")
    created = datetime(2025, 4, 20, 14, 0, tzinfo=UTC)
    later = stripe_event_body(
        "payment_intent.succeeded", "pi_2", 9000, account_number="WU-10001", created=created
    )
    earlier = stripe_event_body(
        "payment_intent.processing",
        "pi_2",
        9000,
        account_number="WU-10001",
        status="processing",
        created=created,
    )
    failed_late = stripe_event_body(
        "payment_intent.payment_failed",
        "pi_2",
        9000,
        account_number="WU-10001",
        status="requires_payment_method",
        created=created,
    )

    answers = [_stripe(server, body).json() for body in (later, earlier, failed_late)]

    assert [a["status"] for a in answers] == ["Posted", "Posted", "Posted"]
    latest = _online(counter)[-1]
    assert (latest["status"], latest["settlement_status"]) == ("Posted", "In Progress")
    assert _payment_count(server) == 1


def test_a_webhook_without_a_configured_secret_is_unavailable_not_accepted(server, memory_keyring):
    memory_keyring.delete_password("tilldesk-server", "stripe-webhook-secret")
    body = stripe_event_body("payment_intent.succeeded", "pi_3", 100)

    answer = _stripe(server, body)

    assert answer.status_code == 503
    assert _payment_count(server) == 0
