"""The messaging channels' common interface: what goes out, what the provider answered, and
what comes back later (delivery, read, failure, opt-out) from the provider's webhooks.

Pure values and a Protocol: the channels themselves (SMTP, Twilio, WhatsApp Cloud) live in
sync/messaging; templates render into OutgoingMessage; the orchestration records the rest.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ChannelName(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"


@dataclass(frozen=True)
class OutgoingMessage:
    channel: ChannelName
    to: str  # an e-mail address, or a phone number in E.164
    text: str  # the plain-text body (e-mail's text part; the SMS; WhatsApp free text)
    message_key: str  # our id of this message: idempotency key, Message-ID's left part
    subject: str = ""  # e-mail only
    html: str = ""  # e-mail only: the HTML part
    unsubscribe_url: str = ""  # e-mail: List-Unsubscribe (RFC 8058 one-click)
    # WhatsApp outside the 24-hour customer-service window: an approved template instead of text.
    whatsapp_template: str = ""
    language: str = "en"
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class SendReceipt:
    accepted: bool
    provider_id: str | None = None  # Message-ID, Twilio SID, WhatsApp wamid
    error: str | None = None
    permanent: bool = False  # the contact point itself is bad (hard bounce, invalid number)


class EventType(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    CLICKED = "clicked"
    FAILED = "failed"  # not delivered (permanent says whether the contact point is bad)
    OPTED_OUT = "opted_out"  # SMS STOP, WhatsApp block, e-mail unsubscribe
    OPTED_IN = "opted_in"  # SMS START
    REPLIED = "replied"  # the consumer wrote to us: opens WhatsApp's 24-hour service window


@dataclass(frozen=True)
class DeliveryEvent:
    channel: ChannelName
    provider_id: str  # matches SendReceipt.provider_id of the message it is about
    type: EventType
    at: datetime
    event_id: str  # the provider's id of this event (or a digest of it): recorded once
    permanent: bool = False
    contact: str = ""  # the phone/e-mail concerned (opt-outs come without a message id)
    detail: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    name: ChannelName

    def send(self, message: OutgoingMessage) -> SendReceipt: ...
