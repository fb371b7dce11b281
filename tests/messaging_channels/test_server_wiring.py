"""The server's messaging routes as `tilldesk server run` wires them: a signed STOP reaches the
recovery database (a real SQLite file) through the real recorder, once; a forged one does not."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.db.recovery_tables_messaging import message_events
from app.services.message_consents import add_contact_point, list_opt_outs
from app.services.recovery_database import shared_recovery_database
from cli.wiring import server_messaging
from cli.wiring.server_options import ServerOptions
from sync.messaging import credentials as keys

PUBLIC = "https://pay.tilldesk.example"
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
INBOUND = "/v1/webhooks/messaging/twilio/inbound"
PHONE = "+14155552671"


def signed(params: dict[str, str], token: str) -> str:
    text = PUBLIC + INBOUND + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()).decode()


def test_a_signed_stop_opts_the_consumer_out_once_and_a_forged_one_does_nothing(
    tmp_path, memory_keyring
):
    memory_keyring.set_password(keys.SERVICE, keys.TWILIO_AUTH_TOKEN, "twilio-token")
    url = f"sqlite:///{tmp_path / 'recovery.db'}"
    engine = shared_recovery_database(url)
    with engine.begin() as connection:
        add_contact_point(connection, "consumer-1", "sms", PHONE, NOW)
    options = ServerOptions(db_url="unused", recovery_db=url, public_url=PUBLIC, clock=lambda: NOW)
    app = FastAPI()
    for router in server_messaging.routers(options):
        app.include_router(router)
    client = TestClient(app)

    def post(body: str, sid: str, token: str = "twilio-token") -> int:
        params = {"MessageSid": sid, "From": PHONE, "To": "+14155550100", "Body": body}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signed(params, token),
        }
        return client.post(INBOUND, content=urlencode(params), headers=headers).status_code

    assert post("STOP", "SM" + "f" * 32, token="forged") == 403
    assert list_opt_outs(engine) == []

    assert post("STOP", "SM" + "1" * 32) == 200
    assert post("STOP", "SM" + "1" * 32) == 200  # Twilio retried the webhook

    with engine.connect() as connection:
        recorded = connection.scalar(select(func.count()).select_from(message_events))
    assert recorded == 1
    (consent,) = list_opt_outs(engine)
    assert (consent.consumer_id, consent.channel, consent.source) == (
        "consumer-1",
        "sms",
        "sms_stop",
    )
