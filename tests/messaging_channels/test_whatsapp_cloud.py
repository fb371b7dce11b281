"""WhatsApp through a loopback fake of the Cloud API that checks requests as Meta documents:
bearer token, /v{N}/{phone-number-id}/messages, and free text only in the 24-hour window."""

import base64
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.recovery.channels import ChannelName, OutgoingMessage
from sync.messaging.whatsapp_cloud import WhatsAppCloudChannel, WhatsAppSettings
from tests.support.vendors import FakeVendor, Seen

PHONE_ID = "106540352242922"
TOKEN = "EAAG-test-access-token"
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
CONSUMER = "+919876543210"
# What Meta approved for this business: (template, language) -> body parameter count.
APPROVED = {("payment_reminder", "en_US"): 2, ("payment_reminder", "hi"): 2}


class FakeCloudApi:
    def __init__(self) -> None:
        self.last_inbound: dict[str, datetime] = {}  # the platform knows when users wrote

    def answer(self, seen: Seen) -> tuple[int, dict]:
        if seen.headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, _error(190, "Invalid OAuth access token.")
        if seen.path != f"/v21.0/{PHONE_ID}/messages":
            return 400, _error(100, "Unsupported post request.")
        if not seen.headers.get("Content-Type", "").startswith("application/json"):
            return 400, _error(100, "Expected JSON")
        body = seen.json()
        if body.get("messaging_product") != "whatsapp" or not body.get("to"):
            return 400, _error(100, "(#100) The parameter messaging_product is required.")
        if body.get("type") == "text":
            if not (body.get("text") or {}).get("body"):
                return 400, _error(100, "(#100) text.body is required.")
            last = self.last_inbound.get(body["to"])
            if last is None or NOW - last >= timedelta(hours=24):
                return 400, _error(131047, "Re-engagement message")
        elif body.get("type") == "template":
            template = body["template"]
            key = (template["name"], template["language"]["code"])
            if key not in APPROVED:
                return 404, _error(132001, "Template name does not exist in the translation")
            components = template.get("components") or []
            parameters = [p for c in components if c["type"] == "body" for p in c["parameters"]]
            if len(parameters) != APPROVED[key] or any(p["type"] != "text" for p in parameters):
                return 400, _error(132000, "Number of parameters does not match")
        else:
            return 400, _error(100, "Unsupported message type")
        wamid = "wamid." + base64.b64encode(uuid.uuid4().bytes).decode()
        contact = {"input": body["to"], "wa_id": body["to"].lstrip("+")}
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": wamid}],
        }


def _error(code: int, message: str) -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code}}


@pytest.fixture
def cloud() -> Iterator[tuple[FakeCloudApi, FakeVendor]]:
    api = FakeCloudApi()
    vendor = FakeVendor(api.answer).start()
    yield api, vendor
    vendor.stop()


def channel(api: FakeCloudApi, vendor: FakeVendor, token: str = TOKEN) -> WhatsAppCloudChannel:
    return WhatsAppCloudChannel(
        WhatsAppSettings(phone_number_id=PHONE_ID, base_url=vendor.url),
        access_token=token,
        last_inbound=api.last_inbound.get,
        clock=lambda: NOW,
    )


def reminder(**fields: object) -> OutgoingMessage:
    values: dict = {
        "channel": ChannelName.WHATSAPP,
        "to": CONSUMER,
        "text": "Hi Asha, your payment of ₹1,250.00 did not go through.",
        "message_key": "msg-7",
        "whatsapp_template": "payment_reminder",
        "language": "en_US",
        "parameters": ("Asha", "₹1,250.00"),
    }
    return OutgoingMessage(**{**values, **fields})


def test_outside_the_window_an_approved_template_goes_with_its_parameters(cloud):
    api, vendor = cloud

    receipt = channel(api, vendor).send(reminder())

    assert receipt.accepted and (receipt.provider_id or "").startswith("wamid.")
    body = vendor.requests[0].json()
    assert body["type"] == "template" and "text" not in body
    assert body["template"] == {
        "name": "payment_reminder",
        "language": {"code": "en_US"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Asha"},
                    {"type": "text", "text": "₹1,250.00"},
                ],
            }
        ],
    }


def test_inside_the_window_free_text_goes(cloud):
    api, vendor = cloud
    api.last_inbound[CONSUMER] = NOW - timedelta(hours=2)

    receipt = channel(api, vendor).send(reminder())

    assert receipt.accepted
    body = vendor.requests[0].json()
    assert body["type"] == "text"
    assert body["text"]["body"] == "Hi Asha, your payment of ₹1,250.00 did not go through."


def test_a_reply_25_hours_ago_no_longer_opens_the_window(cloud):
    api, vendor = cloud
    api.last_inbound[CONSUMER] = NOW - timedelta(hours=25)

    receipt = channel(api, vendor).send(reminder())

    assert receipt.accepted and vendor.requests[0].json()["type"] == "template"


def test_outside_the_window_without_a_template_nothing_is_sent(cloud):
    api, vendor = cloud

    receipt = channel(api, vendor).send(reminder(whatsapp_template=""))

    assert not receipt.accepted and not receipt.permanent
    assert "24-hour" in (receipt.error or "")
    assert vendor.requests == []


def test_an_unapproved_template_is_reported_with_metas_code(cloud):
    api, vendor = cloud

    receipt = channel(api, vendor).send(reminder(whatsapp_template="not_approved"))

    assert not receipt.accepted and "132001" in (receipt.error or "")


def test_a_wrong_token_fails_without_blaming_the_number(cloud):
    api, vendor = cloud

    receipt = channel(api, vendor, token="expired").send(reminder())

    assert not receipt.accepted and not receipt.permanent
    assert "190" in (receipt.error or "")
