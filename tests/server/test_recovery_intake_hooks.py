"""Failed payments the central server hears of open recovery cases, exactly once: the same
failure by webhook twice, and a recovery database that is down makes the gateway retry."""

import time
from pathlib import Path

import requests
from sqlalchemy import select

from app.db.recovery_tables import recovery_cases
from app.services.recovery_database import shared_recovery_database
from cli.wiring.server_recovery_intake import intake_hook
from sync.gateways.testing import sign_stripe, stripe_event_body
from tests.server.live import LiveServer
from tests.support.keyring import STRIPE_SECRET


def _send(server: LiveServer, body: bytes) -> requests.Response:
    header = sign_stripe(body, STRIPE_SECRET, int(time.time()))
    return requests.post(
        f"{server.url}/v1/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        timeout=30,
    )


def _failed(intent: str) -> bytes:
    return stripe_event_body(
        "payment_intent.payment_failed",
        intent,
        14550,
        account_number="WU-10001",
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds"},
    )


def test_a_failed_payment_webhook_opens_one_recovery_case(server_db_url, memory_keyring, tmp_path):
    url = f"sqlite:///{tmp_path / 'recovery.db'}"
    server = LiveServer(server_db_url, event_hooks=[intake_hook(url)]).start()
    try:
        body = _failed("pi_failed_1")
        first, again = _send(server, body), _send(server, body)
        assert (first.status_code, again.status_code) == (200, 200)
        assert first.json()["status"] == "Failed"
        # A second notification of the same failure (a new event id) is the same case too.
        assert _send(server, _failed("pi_failed_1")).status_code == 200
    finally:
        server.stop()
    with shared_recovery_database(url).connect() as connection:
        cases = connection.execute(
            select(recovery_cases.c.external_id, recovery_cases.c.amount_minor,
                   recovery_cases.c.code, recovery_cases.c.category, recovery_cases.c.consumer_id)
        ).all()  # fmt: skip
    assert [tuple(c) for c in cases] == [
        ("pi_failed_1", 14550, "insufficient_funds", "insufficient_funds", "WU-10001")
    ]


def test_a_recovery_database_that_is_down_makes_the_gateway_send_again(
    server_db_url, memory_keyring, tmp_path: Path
):
    def down(_event) -> None:
        raise OSError("the recovery database is unreachable")

    server = LiveServer(server_db_url, event_hooks=[down]).start()
    try:
        answer = _send(server, _failed("pi_failed_2"))
    finally:
        server.stop()
    assert answer.status_code == 503
    assert answer.json()["detail"] == "Not recorded yet: send it again later."
