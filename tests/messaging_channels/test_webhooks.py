"""The providers' callbacks on the server: each vendor's documented signature, computed here
independently; a bad one is a 403 with nothing recorded; repeats carry the same event_id."""

import base64
import hashlib
import hmac
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from app.recovery.channels import ChannelName, EventType
from sync.messaging import credentials as keys
from tests.support.messaging_webhooks import (
    NOW,
    PUBLIC,
    SECRETS,
    Recorder,
    client_for,
)

STATUS = "/v1/webhooks/messaging/twilio/status"
INBOUND = "/v1/webhooks/messaging/twilio/inbound"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> TestClient:
    return client_for(recorder)


def twilio_signed(url: str, params: dict[str, str], token: str = "twilio-token") -> str:
    """Twilio's documented algorithm: the full URL, then each POST field sorted by name as
    name+value, HMAC-SHA1 with the auth token, base64."""
    text = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()).decode()


def post_twilio(
    client: TestClient, path: str, params: dict[str, str], signature: str | None = None
):
    signature = signature if signature is not None else twilio_signed(PUBLIC + path, params)
    return client.post(
        path,
        content=urlencode(params),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )


def status_form(status: str, **extra: str) -> dict[str, str]:
    return {
        "AccountSid": "AC" + "0" * 32,
        "MessageSid": "SM" + "a" * 32,
        "SmsSid": "SM" + "a" * 32,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": "+14155550123",
        "From": "+14155550100",
        "ApiVersion": "2010-04-01",
        **extra,
    }


# --- Twilio -------------------------------------------------------------------------------


def test_a_twilio_delivery_report_is_recorded_against_the_message(client, recorder):
    answer = post_twilio(client, STATUS, status_form("delivered"))

    assert answer.status_code == 204
    (event,) = recorder.events
    assert (event.channel, event.type, event.provider_id) == (
        ChannelName.SMS,
        EventType.DELIVERED,
        "SM" + "a" * 32,
    )
    assert event.contact == "+14155550123" and event.at == NOW


def test_a_repeated_twilio_callback_carries_the_same_event_id(client, recorder):
    post_twilio(client, STATUS, status_form("delivered"))
    post_twilio(client, STATUS, status_form("delivered"))

    first, second = recorder.events
    assert first.event_id == second.event_id


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_a_bad_twilio_signature_is_403_and_nothing_is_recorded(client, recorder, signature):
    answer = post_twilio(client, STATUS, status_form("delivered"), signature=signature)

    assert answer.status_code == 403 and recorder.events == []


def test_a_signature_made_with_another_token_is_refused(client, recorder):
    form = status_form("delivered")
    forged = twilio_signed(PUBLIC + STATUS, form, token="someone-elses-token")

    assert post_twilio(client, STATUS, form, signature=forged).status_code == 403
    assert recorder.events == []


def test_a_changed_field_breaks_the_signature(client, recorder):
    form = status_form("delivered")
    signature = twilio_signed(PUBLIC + STATUS, form)

    answer = post_twilio(client, STATUS, {**form, "MessageStatus": "read"}, signature=signature)

    assert answer.status_code == 403 and recorder.events == []


def test_a_signature_over_the_url_with_its_default_port_is_accepted(client, recorder):
    form = status_form("sent")
    signature = twilio_signed("https://pay.tilldesk.example:443" + STATUS, form)

    assert post_twilio(client, STATUS, form, signature=signature).status_code == 204
    assert recorder.events[0].type is EventType.SENT


def test_an_invalid_number_marks_the_contact_point_bad(client, recorder):
    post_twilio(client, STATUS, status_form("undelivered", ErrorCode="30006"))

    (event,) = recorder.events
    assert event.type is EventType.FAILED and event.permanent


def test_a_carrier_hiccup_is_not_permanent(client, recorder):
    post_twilio(client, STATUS, status_form("undelivered", ErrorCode="30003"))

    assert [e.permanent for e in recorder.events] == [False]


def test_sending_to_an_unsubscribed_number_records_the_opt_out(client, recorder):
    post_twilio(client, STATUS, status_form("failed", ErrorCode="21610"))

    assert [e.type for e in recorder.events] == [EventType.FAILED, EventType.OPTED_OUT]
    assert recorder.events[1].contact == "+14155550123"


def test_queued_and_sending_callbacks_record_nothing(client, recorder):
    assert post_twilio(client, STATUS, status_form("queued")).status_code == 204
    assert recorder.events == []


def inbound_form(body: str, sid: str = "SM" + "b" * 32) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": "+14155550123",
        "To": "+14155550100",
        "Body": body,
        "NumMedia": "0",
    }


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("STOP", EventType.OPTED_OUT),
        (" stop ", EventType.OPTED_OUT),
        ("Unsubscribe", EventType.OPTED_OUT),
        ("START", EventType.OPTED_IN),
        ("Will pay on Friday", EventType.REPLIED),
    ],
)
def test_an_inbound_sms_is_an_opt_out_opt_in_or_a_reply(client, recorder, body, kind):
    answer = post_twilio(client, INBOUND, inbound_form(body))

    assert answer.status_code == 200 and "<Response>" in answer.text
    (event,) = recorder.events
    assert event.type is kind and event.contact == "+14155550123"


def test_a_forged_stop_changes_nothing(client, recorder):
    answer = post_twilio(client, INBOUND, inbound_form("STOP"), signature="Zm9yZ2Vk")

    assert answer.status_code == 403 and recorder.events == []


def test_without_the_auth_token_in_the_keyring_twilio_gets_503(recorder):
    client = client_for(recorder, {k: v for k, v in SECRETS.items() if k != keys.TWILIO_AUTH_TOKEN})

    assert post_twilio(client, STATUS, status_form("delivered")).status_code == 503
    assert recorder.events == []
