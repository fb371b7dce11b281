"""SMS through a loopback fake of Twilio's REST API that checks requests as Twilio documents."""

import base64
import re
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from app.recovery.channels import ChannelName, OutgoingMessage
from sync.messaging.sms_twilio import TwilioSettings, TwilioSmsChannel
from tests.support.vendors import FakeVendor, Seen, free_port

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-for-tests"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# Twilio's magic test numbers: an invalid number, and one that replied STOP.
INVALID = "+15005550001"
OPTED_OUT = "+15005550004"


def twilio_answer(seen: Seen) -> tuple[int, dict]:
    expected_auth = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    if seen.headers.get("Authorization") != expected_auth:
        return 401, {"code": 20003, "message": "Authenticate", "status": 401}
    if seen.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
        return 404, {"code": 20404, "message": "The requested resource was not found"}
    if not seen.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        return 400, {"code": 20001, "message": "Expected a form-encoded body"}
    form = {k: v[0] for k, v in parse_qs(seen.body.decode(), keep_blank_values=True).items()}
    if not form.get("To"):
        return 400, {"code": 21604, "message": "A 'To' phone number is required."}
    if not form.get("Body"):
        return 400, {"code": 21602, "message": "Message body is required."}
    if ("From" in form) == ("MessagingServiceSid" in form):
        return 400, {"code": 21603, "message": "Give exactly one of From / MessagingServiceSid."}
    if form["To"] == INVALID or not E164.match(form["To"]):
        return 400, {"code": 21211, "message": f"The 'To' number {form['To']} is not valid."}
    if form["To"] == OPTED_OUT:
        return 400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient"}
    sid = "SM" + uuid.uuid4().hex
    return 201, {"sid": sid, "status": "queued", "to": form["To"], "body": form["Body"]}


@pytest.fixture
def twilio() -> Iterator[FakeVendor]:
    fake = FakeVendor(twilio_answer).start()
    yield fake
    fake.stop()


def sms(to: str = "+14155550123", text: str = "Your payment of $42.00 failed.") -> OutgoingMessage:
    return OutgoingMessage(ChannelName.SMS, to, text, message_key="msg-1")


def channel(fake: FakeVendor, token: str = TOKEN, **settings: str) -> TwilioSmsChannel:
    defaults = {"from_number": "+14155550100"}
    return TwilioSmsChannel(
        TwilioSettings(account_sid=SID, base_url=fake.url, **{**defaults, **settings}),
        auth_token=token,
    )


def test_sends_an_sms_with_basic_auth_and_the_documented_form_fields(twilio):
    callback = "https://pay.example.com/v1/webhooks/messaging/twilio/status"
    receipt = channel(twilio, status_callback_url=callback).send(sms())

    assert receipt.accepted and receipt.provider_id and receipt.provider_id.startswith("SM")
    (seen,) = twilio.requests
    form = parse_qs(seen.body.decode())
    assert form == {
        "To": ["+14155550123"],
        "From": ["+14155550100"],
        "Body": ["Your payment of $42.00 failed."],
        "StatusCallback": [callback],
    }


def test_a_messaging_service_replaces_the_from_number(twilio):
    receipt = channel(twilio, from_number="", messaging_service_sid="MG" + "1" * 32).send(sms())

    assert receipt.accepted
    form = parse_qs(twilio.requests[0].body.decode())
    assert form["MessagingServiceSid"] == ["MG" + "1" * 32] and "From" not in form


def test_an_invalid_number_is_a_permanent_failure(twilio):
    receipt = channel(twilio).send(sms(INVALID))

    assert not receipt.accepted and receipt.permanent
    assert "21211" in (receipt.error or "")


def test_a_number_that_replied_stop_is_a_permanent_failure(twilio):
    receipt = channel(twilio).send(sms(OPTED_OUT))

    assert not receipt.accepted and receipt.permanent
    assert "21610" in (receipt.error or "")


def test_wrong_credentials_fail_without_blaming_the_number(twilio):
    receipt = channel(twilio, token="wrong").send(sms())

    assert not receipt.accepted and not receipt.permanent
    assert "credentials" in (receipt.error or "")


def test_an_empty_text_is_refused_before_calling_twilio(twilio):
    receipt = channel(twilio).send(sms(text="  "))

    assert not receipt.accepted and twilio.requests == []


def test_twilio_unavailable_is_temporary():
    fake = FakeVendor(lambda seen: (503, {"message": "Service Unavailable"})).start()
    try:
        receipt = channel(fake).send(sms())
    finally:
        fake.stop()

    assert not receipt.accepted and not receipt.permanent
    assert "try again later" in (receipt.error or "")


def test_twilio_unreachable_is_temporary():
    closed = f"http://127.0.0.1:{free_port()}"
    settings = TwilioSettings(account_sid=SID, from_number="+14155550100", base_url=closed)

    receipt = TwilioSmsChannel(settings, auth_token=TOKEN).send(sms())

    assert not receipt.accepted and not receipt.permanent
    assert "could not be reached" in (receipt.error or "")
