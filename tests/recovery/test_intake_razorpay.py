"""e-NACH and UPI AutoPay failures arrive as Razorpay-style webhooks and open recovery cases
with their NPCI reason codes, once; a forged one changes nothing."""

import hashlib
import hmac
import json
from pathlib import Path

import keyring
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db.recovery_tables import recovery_cases
from cli.wiring.server_options import ServerOptions
from cli.wiring.server_recovery_intake import routers
from tests.sync_client.support import MemoryKeyring

SECRET = "rzp_webhook_secret"


def payment_failed(pay_id: str, method: str, reason: str, **extra: object) -> bytes:
    entity = {
        "id": pay_id,
        "entity": "payment",
        "amount": 149900,
        "currency": "INR",
        "status": "failed",
        "method": method,
        "token_id": "token_MANDATE01",
        "recurring": True,
        "error_code": "BAD_REQUEST_ERROR",
        "error_reason": reason,
        "notes": {"account_number": "WU-20001"},
        "created_at": 1764892800,
        **extra,
    }
    event = {"entity": "event", "event": "payment.failed",
             "payload": {"payment": {"entity": entity}}, "created_at": 1764892801}  # fmt: skip
    return json.dumps(event).encode()


@pytest.fixture
def client(tmp_path: Path):
    """The server's Razorpay route over a real SQLite recovery database, its secret in the
    (in-memory) keyring the route reads."""
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    memory.set_password("tilldesk-server", "razorpay-webhook-secret", SECRET)
    keyring.set_keyring(memory)
    url = f"sqlite:///{tmp_path / 'recovery.db'}"
    app = FastAPI()
    for router in routers(ServerOptions(db_url="unused", recovery_db=url)):
        app.include_router(router)
    yield TestClient(app), url
    keyring.set_keyring(previous)


def send(client: TestClient, body: bytes, secret: str = SECRET, event_id: str = "evt_1"):
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": event_id}
    return client.post("/v1/webhooks/razorpay", content=body, headers=headers)


def cases(url: str) -> list[tuple]:
    from app.services.recovery_database import shared_recovery_database

    with shared_recovery_database(url).connect() as connection:
        rows = connection.execute(
            select(recovery_cases.c.external_id, recovery_cases.c.method, recovery_cases.c.code,
                   recovery_cases.c.category, recovery_cases.c.instrument,
                   recovery_cases.c.consumer_id, recovery_cases.c.amount_minor)
            .order_by(recovery_cases.c.external_id)
        )  # fmt: skip
        return [tuple(r) for r in rows]


def test_an_enach_return_opens_one_case_with_its_npci_code(client):
    http, url = client
    body = payment_failed("pay_NACH1", "emandate", "insufficient_funds")
    first, again = send(http, body), send(http, body, event_id="evt_2")
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["code"] == "04"
    assert cases(url) == [
        ("pay_NACH1", "enach", "04", "insufficient_funds", "token_MANDATE01", "WU-20001", 149900)
    ]


def test_a_upi_autopay_failure_keeps_the_npci_code_the_bank_gave(client):
    http, url = client
    body = payment_failed("pay_UPI1", "upi", "payment_failed",
                          acquirer_data={"npci_reason_code": "YE"})  # fmt: skip
    assert send(http, body).json()["code"] == "YE"
    assert cases(url)[0][1:4] == ("upi_autopay", "YE", "hard")


def test_a_forged_webhook_is_refused_and_opens_nothing(client):
    http, url = client
    answer = send(http, payment_failed("pay_X", "emandate", "account_closed"), secret="guess")
    assert answer.status_code == 400
    assert cases(url) == []


def test_card_payments_and_other_events_are_acknowledged_and_ignored(client):
    http, url = client
    assert send(http, payment_failed("pay_CARD", "card", "insufficient_funds")).status_code == 200
    captured = json.dumps({"event": "payment.captured", "payload": {}}).encode()
    assert send(http, captured).json() == {"received": True, "external_id": None, "code": None}
    assert cases(url) == []
