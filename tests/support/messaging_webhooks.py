"""The messaging vendors' webhooks on a test client of the central server, and a recorder."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.recovery.channels import DeliveryEvent
from sync.messaging import credentials as keys
from sync.server.messaging_webhooks import messaging_router

PUBLIC = "https://pay.tilldesk.example"
SECRETS = {
    keys.TWILIO_AUTH_TOKEN: "twilio-token",
    keys.WHATSAPP_APP_SECRET: "meta-app-secret",
    keys.WHATSAPP_VERIFY_TOKEN: "verify-me",
    keys.EMAIL_RELAY_SECRET: "relay-secret",
    keys.UNSUBSCRIBE_KEY: "unsubscribe-key",
}


def meta_signed(body: bytes, secret: str = "meta-app-secret") -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


WHATSAPP = "/v1/webhooks/messaging/whatsapp"


EMAIL = "/v1/webhooks/messaging/email"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[DeliveryEvent]] = []

    def __call__(self, events: list[DeliveryEvent]) -> None:
        self.calls.append(events)

    @property
    def events(self) -> list[DeliveryEvent]:
        return [event for call in self.calls for event in call]


def client_for(recorder: Recorder, secrets: dict[str, str] = SECRETS) -> TestClient:
    app = FastAPI()
    app.include_router(messaging_router(recorder, secrets.get, lambda: NOW, public_url=PUBLIC))
    return TestClient(app)


def post_signed_json(client: TestClient, path: str, payload: dict, header: str, secret: str):
    body = json.dumps(payload).encode()
    return client.post(
        path,
        content=body,
        headers={"Content-Type": "application/json", header: meta_signed(body, secret)},
    )
