"""WhatsApp (Meta) webhooks, the mail relay's bounces and complaints, and one-click
unsubscribe links: verified first, then turned into events for the recorder."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from app.recovery.channels import ChannelName, EventType
from app.recovery.unsubscribe import unsubscribe_token
from tests.support.messaging_webhooks import (
    EMAIL,
    NOW,
    WHATSAPP,
    Recorder,
    client_for,
    post_signed_json,
)

WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"
STAMP = 1773154800  # 2026-03-10 15:00 UTC


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> TestClient:
    return client_for(recorder)


def meta_body(value: dict) -> dict:
    """The envelope Meta wraps every WhatsApp Business Account notification in."""
    metadata = {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"}
    change = {
        "field": "messages",
        "value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [change]}],
    }


def status(state: str, *errors: int) -> dict:
    item = {"id": WAMID, "status": state, "timestamp": str(STAMP), "recipient_id": "919876543210"}
    if errors:
        item["errors"] = [{"code": code, "title": "Failure"} for code in errors]
    return meta_body({"statuses": [item]})


def inbound(text: str) -> dict:
    message = {
        "from": "919876543210",
        "id": "wamid.inbound-1",
        "timestamp": str(STAMP),
        "type": "text",
        "text": {"body": text},
    }
    return meta_body(
        {
            "contacts": [{"profile": {"name": "Asha"}, "wa_id": "919876543210"}],
            "messages": [message],
        }
    )


def post_meta(client: TestClient, payload: dict, secret: str = "meta-app-secret"):
    return post_signed_json(client, WHATSAPP, payload, "X-Hub-Signature-256", secret)


# --- Meta -----------------------------------------------------------------------------------


def test_meta_subscription_handshake_echoes_the_challenge(client):
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": "verify-me",
        "hub.challenge": "1158201444",
    }

    answer = client.get(WHATSAPP, params=query)

    assert answer.status_code == 200 and answer.text == "1158201444"


def test_meta_handshake_with_a_wrong_verify_token_is_403(client):
    query = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"}

    assert client.get(WHATSAPP, params=query).status_code == 403


@pytest.mark.parametrize(
    ("state", "kind"),
    [("sent", EventType.SENT), ("delivered", EventType.DELIVERED), ("read", EventType.READ)],
)
def test_whatsapp_statuses_are_recorded_against_the_wamid(client, recorder, state, kind):
    assert post_meta(client, status(state)).status_code == 200

    (event,) = recorder.events
    assert (event.channel, event.type, event.provider_id) == (ChannelName.WHATSAPP, kind, WAMID)
    assert event.at == datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert event.contact == "+919876543210"


def test_a_repeated_meta_notification_carries_the_same_event_id(client, recorder):
    post_meta(client, status("read"))
    post_meta(client, status("read"))

    first, second = recorder.events
    assert first.event_id == second.event_id


def test_a_user_who_stopped_our_messages_is_opted_out(client, recorder):
    post_meta(client, status("failed", 131050))

    (event,) = recorder.events
    assert event.type is EventType.OPTED_OUT and event.contact == "+919876543210"


def test_not_on_whatsapp_marks_the_contact_point_bad(client, recorder):
    post_meta(client, status("failed", 131026))

    (event,) = recorder.events
    assert event.type is EventType.FAILED and event.permanent


def test_stop_written_on_whatsapp_opts_out_and_other_text_is_a_reply(client, recorder):
    post_meta(client, inbound("STOP"))
    post_meta(client, inbound("ok, paying now"))

    assert [e.type for e in recorder.events] == [EventType.OPTED_OUT, EventType.REPLIED]
    assert recorder.events[1].at == NOW  # the reply's own timestamp: it opens the 24 h window


def test_a_bad_meta_signature_is_403_and_nothing_is_recorded(client, recorder):
    answer = post_meta(client, status("failed", 131050), secret="not-the-app-secret")

    assert answer.status_code == 403 and recorder.events == []


def test_a_signed_but_unreadable_meta_body_is_400(client, recorder):
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"value": {"statuses": [{"status": "read"}]}}]}],
    }

    assert post_meta(client, payload).status_code == 400 and recorder.events == []


# --- the mail relay ------------------------------------------------------------------------


def post_relay(client: TestClient, events: list[dict], secret: str = "relay-secret"):
    return post_signed_json(client, EMAIL, {"events": events}, "X-Tilldesk-Signature", secret)


BOUNCE = {
    "id": "dsn-20260310-0001",
    "type": "bounce",
    "recipient": "Asha@Example.org",
    "message_id": "<0193b6f2-7c1e-7000-8000-000000000001@tilldesk.example>",
    "action": "failed",
    "status": "5.1.1",
    "diagnostic": "smtp; 550 5.1.1 user unknown",
    "at": "2026-03-10T15:00:00Z",
}


def test_a_hard_bounce_marks_the_address_bad_and_names_the_message(client, recorder):
    assert post_relay(client, [BOUNCE]).status_code == 200

    (event,) = recorder.events
    assert (event.type, event.permanent, event.contact) == (
        EventType.FAILED,
        True,
        "asha@example.org",
    )
    assert event.provider_id == BOUNCE["message_id"] and event.at == NOW


def test_a_soft_bounce_is_not_permanent_and_a_delay_is_nothing(client, recorder):
    soft = {**BOUNCE, "id": "dsn-2", "status": "4.2.2"}
    delayed = {**BOUNCE, "id": "dsn-3", "action": "delayed", "status": "4.4.1"}

    post_relay(client, [soft, delayed])

    assert [(e.type, e.permanent) for e in recorder.events] == [(EventType.FAILED, False)]


def test_a_spam_complaint_opts_the_address_out(client, recorder):
    post_relay(
        client,
        [
            {
                "type": "complaint",
                "recipient": "asha@example.org",
                "message_id": BOUNCE["message_id"],
            }
        ],
    )

    assert [e.type for e in recorder.events] == [EventType.OPTED_OUT]


def test_relay_events_without_an_id_get_a_stable_digest(client, recorder):
    event = {k: v for k, v in BOUNCE.items() if k != "id"}
    post_relay(client, [event])
    post_relay(client, [event])

    first, second = recorder.events
    assert first.event_id == second.event_id


def test_a_bad_relay_signature_is_403_and_nothing_is_recorded(client, recorder):
    assert post_relay(client, [BOUNCE], secret="guess").status_code == 403
    assert recorder.events == []


# --- one-click unsubscribe -----------------------------------------------------------------


def link(contact: str = "asha@example.org", key: str = "unsubscribe-key") -> str:
    return "/u/" + unsubscribe_token(key, ChannelName.EMAIL, contact, "msg-1")


def test_opening_the_link_asks_first_and_records_nothing(client, recorder):
    page = client.get(link())

    assert page.status_code == 200 and "asha@example.org" in page.text
    assert '<form method="post"' in page.text and recorder.events == []


def test_the_one_click_post_opts_the_address_out(client, recorder):
    answer = client.post(
        link(),
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert answer.status_code == 200 and "no more reminders" in answer.text
    (event,) = recorder.events
    assert (event.type, event.channel, event.contact) == (
        EventType.OPTED_OUT,
        ChannelName.EMAIL,
        "asha@example.org",
    )
    assert event.detail["message_key"] == "msg-1"


def test_unsubscribing_twice_counts_once(client, recorder):
    client.post(link())
    client.post(link())

    first, second = recorder.events
    assert first.event_id == second.event_id


@pytest.mark.parametrize("tamper", ["key", "contact", "truncate"])
def test_a_tampered_unsubscribe_link_is_403_and_nothing_changes(client, recorder, tamper):
    good = link()
    body, signature = good.removeprefix("/u/").split(".")
    bad = {
        "key": link(key="another-key"),
        "contact": "/u/"
        + link(contact="someone@example.org").removeprefix("/u/").split(".")[0]
        + "."
        + signature,
        "truncate": "/u/" + body,
    }[tamper]

    assert client.post(bad).status_code == 403
    assert client.get(bad).status_code == 403
    assert recorder.events == []
