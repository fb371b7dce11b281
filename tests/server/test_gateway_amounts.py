"""A validly signed gateway event is still checked: an amount of zero or less, or a refund
beyond the payment, is refused (400) and creates no online payment on any counter."""

import pytest
from sqlalchemy import func, select

from sync.gateways.testing import nmi_event_body, stripe_event_body
from sync.server.tables import gateway_events, payments
from tests.support.server_webhooks import _nmi, _stripe


def _stored(server) -> tuple[int, int]:
    with server.engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(payments)),
            conn.scalar(select(func.count()).select_from(gateway_events)),
        )


def _online(counter):
    return [c for c in counter.pull_all() if c["entity"] == "payment"]


@pytest.mark.parametrize("amount_minor", [-500, 0])
def test_a_signed_stripe_event_with_no_positive_amount_creates_nothing(
    server, sample, amount_minor
):
    counter = server.register("T01")
    for kind in ("payment_intent.succeeded", "charge.succeeded"):
        body = stripe_event_body(kind, "pi_neg", amount_minor, account_number="WU-10001")

        answer = _stripe(server, body)

        assert answer.status_code == 400
        assert "must be above zero" in answer.json()["detail"]
    assert _stored(server) == (0, 0)
    assert _online(counter) == []


def test_a_signed_stripe_refund_beyond_its_charge_creates_nothing(server, sample):
    body = stripe_event_body(
        "charge.refunded", "pi_r", 500, account_number="WU-10001", amount_refunded=900
    )

    answer = _stripe(server, body)

    assert answer.status_code == 400
    assert "refunds 900 of 500" in answer.json()["detail"]
    assert _stored(server) == (0, 0)


@pytest.mark.parametrize("amount_minor", [-500, 0])
def test_a_signed_nmi_sale_with_no_positive_amount_creates_nothing(server, sample, amount_minor):
    counter = server.register("T01")
    body = nmi_event_body("transaction.sale.success", "777", amount_minor, order_id="WU-10001")

    answer = _nmi(server, body)

    assert answer.status_code == 400
    assert "must be above zero" in answer.json()["detail"]
    assert _stored(server) == (0, 0)
    assert _online(counter) == []


def test_a_signed_event_in_another_currency_than_the_deployments_creates_nothing(server, sample):
    body = stripe_event_body(
        "payment_intent.succeeded", "pi_eur", 500, currency="EUR", account_number="WU-10001"
    )

    answer = _stripe(server, body)

    assert answer.status_code == 400
    assert "not this deployment's currency USD" in answer.json()["detail"]
    assert _stored(server) == (0, 0)
