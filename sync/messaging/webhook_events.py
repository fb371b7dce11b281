"""What the providers' callbacks mean: signature checks by each vendor's documented algorithm,
and the conversion of verified payloads into DeliveryEvents.

Every event gets a stable event_id (the provider's own id, or a digest of the payload), so a
callback the provider repeats is recorded once by the recorder.
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from app.recovery.channels import ChannelName, DeliveryEvent, EventType
from app.recovery.unsubscribe import UnsubscribeRequest

# Twilio's default opt-out and opt-in keywords (Advanced Opt-Out also sends OptOutType).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
START_WORDS = {"START", "YES", "UNSTOP", "OPTIN"}
TWILIO_STATUSES = {
    "sent": EventType.SENT,
    "delivered": EventType.DELIVERED,
    "read": EventType.READ,
    "undelivered": EventType.FAILED,
    "failed": EventType.FAILED,
}
# Invalid number, landline / unknown handset: the number will never take an SMS.
TWILIO_PERMANENT = {"21211", "21614", "30005", "30006"}
TWILIO_UNSUBSCRIBED = "21610"
META_STATUSES = {
    "sent": EventType.SENT,
    "delivered": EventType.DELIVERED,
    "read": EventType.READ,
    "failed": EventType.FAILED,
}
# 131050: the consumer stopped our (marketing) messages - Meta's "user has opted out".
META_OPTED_OUT = {131050}
META_PERMANENT = {131026}  # undeliverable: not a WhatsApp user, or cannot receive


class PayloadError(ValueError):
    """A correctly signed callback whose body we cannot read: 400, nothing recorded."""


def twilio_signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the full URL followed by every POST parameter,
    sorted by name (then value), as name+value with no separators."""
    data = url + "".join(k + v for k, v in sorted(set(params)))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_valid(
    urls: Iterable[str], params: list[tuple[str, str]], auth_token: str, given: str
) -> bool:
    return bool(given) and any(
        hmac.compare_digest(twilio_signature(url, params, auth_token), given) for url in urls
    )


def hex_hmac_valid(body: bytes, secret: str, given: str) -> bool:
    """X-Hub-Signature-256 (Meta) and our relay's header: "sha256=" + hex HMAC of the raw body."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(given) and hmac.compare_digest(expected, given.strip())


def twilio_status_events(form: Mapping[str, str], at: datetime) -> list[DeliveryEvent]:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
    if not sid:
        raise PayloadError("A Twilio status callback without MessageSid.")
    kind = TWILIO_STATUSES.get(status)
    if kind is None:  # queued, accepted, sending, scheduled: nothing the consumer noticed
        return []
    code = form.get("ErrorCode") or ""
    contact = form.get("To", "")
    detail = {
        "status": status,
        **({"error_code": code, "reason": f"Twilio error {code}"} if code else {}),
    }
    event = DeliveryEvent(
        ChannelName.SMS,
        sid,
        kind,
        at,
        f"twilio:{sid}:{status}",
        permanent=kind is EventType.FAILED and code in TWILIO_PERMANENT,
        contact=contact,
        detail=detail,
    )
    if kind is EventType.FAILED and code == TWILIO_UNSUBSCRIBED:
        opt_out = DeliveryEvent(
            ChannelName.SMS,
            sid,
            EventType.OPTED_OUT,
            at,
            f"twilio:{sid}:{status}:opted_out",
            contact=contact,
            detail=detail,
        )
        return [event, opt_out]
    return [event]


def twilio_inbound_events(form: Mapping[str, str], at: datetime) -> list[DeliveryEvent]:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    sender = form.get("From", "")
    if not sid or not sender:
        raise PayloadError("A Twilio inbound message without MessageSid or From.")
    kind = _keyword_event(form.get("OptOutType") or form.get("Body") or "")
    detail = {"keyword": (form.get("Body") or "").strip()[:40]} if kind else {}
    return [
        DeliveryEvent(
            ChannelName.SMS,
            "",
            kind or EventType.REPLIED,
            at,
            f"twilio-in:{sid}",
            contact=sender,
            detail=detail,
        )
    ]


def meta_events(payload: Mapping[str, Any]) -> list[DeliveryEvent]:
    """Statuses, inbound messages and marketing preferences from a Meta webhook body."""
    events: list[DeliveryEvent] = []
    try:
        for entry in payload.get("entry") or []:
            for change in entry.get("changes") or []:
                value = change.get("value") or {}
                for status in value.get("statuses") or []:
                    events += _meta_status(status)
                for message in value.get("messages") or []:
                    events.append(_meta_inbound(message))
                for preference in value.get("user_preferences") or []:
                    events += _meta_preference(preference)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise PayloadError(f"An unreadable WhatsApp webhook: {error!r}") from None
    return events


def email_relay_events(payload: Mapping[str, Any], now: datetime) -> list[DeliveryEvent]:
    """The mail relay's JSON: {"events": [{type, recipient, message_id, status, action, ...}]}
    with type bounce (a DSN), complaint (a feedback report), delivered or unsubscribe."""
    items = payload.get("events") if isinstance(payload, Mapping) else None
    if not isinstance(items, list):
        raise PayloadError('The relay body needs an "events" list.')
    events = []
    for item in items:
        if not isinstance(item, dict) or not item.get("recipient"):
            raise PayloadError("Every relay event needs a recipient.")
        event = _email_event(item, now)
        if event is not None:
            events.append(event)
    return events


def unsubscribe_event(request: UnsubscribeRequest, token: str, at: datetime) -> DeliveryEvent:
    return DeliveryEvent(
        request.channel,
        "",
        EventType.OPTED_OUT,
        at,
        f"unsubscribe:{_digest(token)}",
        contact=request.contact,
        detail={"message_key": request.message_key, "source": "unsubscribe_link"},
    )


def _keyword_event(text: str) -> EventType | None:
    word = text.strip().upper()
    if word in STOP_WORDS:
        return EventType.OPTED_OUT
    if word in START_WORDS:
        return EventType.OPTED_IN
    return None


def _meta_status(status: Mapping[str, Any]) -> list[DeliveryEvent]:
    kind = META_STATUSES.get(str(status.get("status", "")))
    if kind is None:
        return []
    wamid = str(status["id"])
    at = _unix(status.get("timestamp"))
    contact = _e164(str(status.get("recipient_id", "")))
    codes = {int(e["code"]) for e in status.get("errors") or [] if "code" in e}
    detail = {"status": str(status["status"])}
    if codes:
        detail["error_code"] = ",".join(str(c) for c in sorted(codes))
        detail["reason"] = f"WhatsApp error {detail['error_code']}"
    event_id = f"wa:{wamid}:{status['status']}"
    if codes & META_OPTED_OUT:
        return [
            DeliveryEvent(
                ChannelName.WHATSAPP,
                wamid,
                EventType.OPTED_OUT,
                at,
                event_id,
                contact=contact,
                detail=detail,
            )
        ]
    permanent = kind is EventType.FAILED and bool(codes & META_PERMANENT)
    return [
        DeliveryEvent(
            ChannelName.WHATSAPP,
            wamid,
            kind,
            at,
            event_id,
            permanent=permanent,
            contact=contact,
            detail=detail,
        )
    ]


def _meta_inbound(message: Mapping[str, Any]) -> DeliveryEvent:
    text = (message.get("text") or {}).get("body") or (message.get("button") or {}).get("text")
    kind = _keyword_event(str(text or ""))
    return DeliveryEvent(
        ChannelName.WHATSAPP,
        "",
        kind or EventType.REPLIED,
        _unix(message.get("timestamp")),
        f"wa-in:{message['id']}",
        contact=_e164(str(message["from"])),
        detail={"type": str(message.get("type", ""))},
    )


def _meta_preference(preference: Mapping[str, Any]) -> list[DeliveryEvent]:
    """Marketing messages stopped or resumed from inside WhatsApp."""
    value = str(preference.get("value", "")).lower()
    kind = {"stop": EventType.OPTED_OUT, "resume": EventType.OPTED_IN}.get(value)
    if kind is None:
        return []
    return [
        DeliveryEvent(
            ChannelName.WHATSAPP,
            "",
            kind,
            _unix(preference.get("timestamp")),
            f"wa-pref:{_digest(json.dumps(preference, sort_keys=True))}",
            contact=_e164(str(preference["wa_id"])),
            detail={"category": str(preference.get("category", ""))},
        )
    ]


def _email_event(item: Mapping[str, Any], now: datetime) -> DeliveryEvent | None:
    kind_name = str(item.get("type", "")).lower()
    status = str(item.get("status", ""))  # the DSN's enhanced status code, 5.1.1
    action = str(item.get("action", "failed")).lower()
    if kind_name == "bounce":
        if action == "delayed":  # still trying: nothing happened yet
            return None
        kind, permanent = EventType.FAILED, status.startswith("5")
    elif kind_name == "delivered":
        kind, permanent = EventType.DELIVERED, False
    elif kind_name in ("complaint", "unsubscribe"):  # a spam report stops mail like a request
        kind, permanent = EventType.OPTED_OUT, False
    else:
        return None
    message_id = str(item.get("message_id", "")).strip()
    if message_id and not message_id.startswith("<"):
        message_id = f"<{message_id}>"
    given = str(item.get("id") or "")
    # the recorder keeps ids up to 191 characters; a relay's own id may be longer
    event_id = (
        given if 0 < len(given) <= 120 else _digest(json.dumps(item, sort_keys=True, default=str))
    )
    detail = {k: str(item[k]) for k in ("status", "action", "diagnostic") if item.get(k)}
    if kind is EventType.FAILED:
        detail["reason"] = " ".join(v for v in (status, detail.get("diagnostic", "")) if v)
    if kind_name == "complaint":
        detail["source"] = "complaint"
    return DeliveryEvent(
        ChannelName.EMAIL,
        message_id,
        kind,
        _iso(item.get("at"), now),
        f"email:{event_id}",
        permanent=permanent,
        contact=str(item["recipient"]).strip().lower(),
        detail={"type": kind_name, **detail},
    )


def _unix(value: object) -> datetime:
    return datetime.fromtimestamp(int(str(value)), UTC)


def _iso(value: object, default: datetime) -> datetime:
    if not value:
        return default
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(f"Not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _e164(number: str) -> str:
    """WhatsApp sends wa_id digits only; our contact points are E.164."""
    return number if not number or number.startswith("+") else f"+{number}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]
