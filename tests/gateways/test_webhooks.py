"""Webhook signatures: genuine Stripe and NMI events are read into ours, anything else refused."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from sync.gateways.errors import PayloadError, SignatureError, UnsupportedEvent
from sync.gateways.testing import nmi_event_body, sign_nmi, sign_stripe, stripe_event_body
from sync.gateways.webhooks import verify_nmi, verify_stripe
from tests.support.gateways import NOW

SECRET = "whsec_test_counter"
KEY = "nmi-signing-key-1"


def _stripe(event_type: str = "payment_intent.succeeded", **kw) -> bytes:
    kw.setdefault("account_number", "WU-10001")
    kw.setdefault("created", NOW - timedelta(seconds=5))
    return stripe_event_body(event_type, "pi_3Oabc", 14550, **kw)


def test_a_genuine_stripe_success_posts_the_payment_in_settlement():
    body = _stripe()
    event = verify_stripe(body, sign_stripe(body, SECRET, int(NOW.timestamp())), SECRET, NOW)
    assert (event.gateway, event.external_id, event.account_number) == (
        "stripe",
        "pi_3Oabc",
        "WU-10001",
    )
    assert (event.status, event.settlement) == ("Posted", "In Progress")
    assert (event.amount_minor, event.currency) == (14550, "USD")
    assert event.occurred_at == NOW - timedelta(seconds=5)


def test_a_stripe_failure_is_failed_with_no_settlement_and_keeps_the_decline_code():
    body = _stripe(
        "payment_intent.payment_failed",
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds"},
    )
    event = verify_stripe(body, sign_stripe(body, SECRET, int(NOW.timestamp())), SECRET, NOW)
    assert (event.status, event.settlement, event.decline_code) == (
        "Failed",
        "N/A",
        "insufficient_funds",
    )


def test_a_refunded_charge_reports_the_refund_against_its_payment_intent():
    body = _stripe("charge.refunded", amount_refunded=4550, refunded=False)
    event = verify_stripe(body, sign_stripe(body, SECRET, int(NOW.timestamp())), SECRET, NOW)
    assert (event.external_id, event.status, event.refunded_minor, event.last4) == (
        "pi_3Oabc",
        "Posted",
        4550,
        "4242",
    )


def test_a_stripe_body_changed_after_signing_is_refused():
    body = _stripe()
    header = sign_stripe(body, SECRET, int(NOW.timestamp()))
    forged = body.replace(b"14550", b"1")
    with pytest.raises(SignatureError, match="does not match"):
        verify_stripe(forged, header, SECRET, NOW)


def test_a_stripe_body_signed_with_another_secret_is_refused():
    body = _stripe()
    with pytest.raises(SignatureError):
        verify_stripe(body, sign_stripe(body, "whsec_other", int(NOW.timestamp())), SECRET, NOW)


def test_a_stripe_signature_six_minutes_old_is_refused():
    body = _stripe()
    signed_at = int((NOW - timedelta(minutes=6)).timestamp())
    with pytest.raises(SignatureError, match="tolerance 300"):
        verify_stripe(body, sign_stripe(body, SECRET, signed_at), SECRET, NOW)


def test_a_stripe_signature_four_minutes_old_is_accepted():
    body = _stripe()
    signed_at = int((NOW - timedelta(minutes=4)).timestamp())
    assert verify_stripe(body, sign_stripe(body, SECRET, signed_at), SECRET, NOW).status == "Posted"


def test_any_of_several_v1_signatures_may_match_while_the_secret_is_rolled():
    body = _stripe()
    t = int(NOW.timestamp())
    old = sign_stripe(body, "whsec_old", t).split(",")[1]
    header = f"{sign_stripe(body, SECRET, t)},{old},v0=deadbeef"
    reordered = f"t={t},{old},{sign_stripe(body, SECRET, t).split(',')[1]}"
    assert verify_stripe(body, header, SECRET, NOW).external_id == "pi_3Oabc"
    assert verify_stripe(body, reordered, SECRET, NOW).external_id == "pi_3Oabc"


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        "v1=abc",  # no timestamp
        f"t={int(NOW.timestamp())}",  # no signature
        f"t=yesterday,v1={'0' * 64}",
        f"t=1,t=2,v1={'0' * 64}",
        f"t={int(NOW.timestamp())},v0={'0' * 64}",  # only the old scheme
    ],
)
def test_a_malformed_stripe_signature_header_is_refused(header):
    with pytest.raises(SignatureError):
        verify_stripe(_stripe(), header, SECRET, NOW)


def test_a_signed_stripe_event_we_do_not_track_is_reported_as_unsupported():
    body = _stripe("customer.created")
    with pytest.raises(UnsupportedEvent, match=r"customer\.created"):
        verify_stripe(body, sign_stripe(body, SECRET, int(NOW.timestamp())), SECRET, NOW)


def test_a_signed_stripe_body_that_is_not_json_is_a_payload_error():
    body = b"<html>not json</html>"
    with pytest.raises(PayloadError):
        verify_stripe(body, sign_stripe(body, SECRET, int(NOW.timestamp())), SECRET, NOW)


def test_a_genuine_nmi_sale_posts_the_payment_for_its_order_account():
    body = nmi_event_body(
        "transaction.sale.success", "10245331", 14550, order_id="WU-10001", at=NOW
    )
    event = verify_nmi(body, sign_nmi(body, KEY, "f3c1e9a2b7d84c15"), KEY)
    assert (event.gateway, event.external_id, event.account_number) == (
        "nmi",
        "10245331",
        "WU-10001",
    )
    assert (event.status, event.settlement, event.amount_minor) == ("Posted", "In Progress", 14550)
    assert (event.occurred_at, event.last4) == (NOW, "1111")


def test_nmi_failure_and_unknown_map_to_failed_and_pending():
    failed = nmi_event_body("transaction.sale.failure", "1", 500, response_code="200", at=NOW)
    unknown = nmi_event_body("transaction.sale.unknown", "2", 500, at=NOW)
    f = verify_nmi(failed, sign_nmi(failed, KEY), KEY)
    u = verify_nmi(unknown, sign_nmi(unknown, KEY), KEY)
    assert (f.status, f.settlement, f.decline_code) == ("Failed", "N/A", "200")
    assert (u.status, u.settlement) == ("Pending", "N/A")


def test_an_nmi_settlement_batch_is_a_batch_event_that_settles():
    body = json.dumps(
        {
            "event_id": "e-1",
            "event_type": "settlement.batch.complete",
            "event_body": {"batch_id": "B-77", "batch_date": "20250421020000"},
        }
    ).encode()
    event = verify_nmi(body, sign_nmi(body, KEY), KEY)
    assert (event.kind, event.external_id, event.settlement) == ("batch", "B-77", "Settled")
    assert event.occurred_at == datetime(2025, 4, 21, 2, 0, tzinfo=UTC)


def test_an_nmi_body_changed_after_signing_is_refused():
    body = nmi_event_body("transaction.sale.failure", "10245331", 14550, at=NOW)
    header = sign_nmi(body, KEY)
    with pytest.raises(SignatureError, match="does not match"):
        verify_nmi(body.replace(b"failure", b"success"), header, KEY)


def test_an_nmi_body_signed_with_another_key_is_refused():
    body = nmi_event_body("transaction.sale.success", "1", 100, at=NOW)
    with pytest.raises(SignatureError):
        verify_nmi(body, sign_nmi(body, "someone-else"), KEY)


@pytest.mark.parametrize("header", ["", "t=abc", "s=abc", "t=,s=ab", "sha256=ab12", "t=n,s=xyz"])
def test_a_malformed_nmi_signature_header_is_refused(header):
    body = nmi_event_body("transaction.sale.success", "1", 100, at=NOW)
    with pytest.raises(SignatureError):
        verify_nmi(body, header, KEY)
