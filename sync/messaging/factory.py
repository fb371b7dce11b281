"""The configured channels, built from settings plus the keyring, for the recovery messenger.

Settings are plain data (`messaging.*` keys, from the settings table or a TOML file), checked
once here with messages that say which key is wrong; credentials come only from the keyring.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.errors import UserFacingError
from app.recovery.channels import Channel, ChannelName
from sync.messaging import credentials as keys
from sync.messaging.email_smtp import SmtpChannel, SmtpSecurity, SmtpSettings
from sync.messaging.sms_twilio import TWILIO_API, TwilioSettings, TwilioSmsChannel
from sync.messaging.webhook_paths import TWILIO_STATUS_PATH
from sync.messaging.whatsapp_cloud import (
    GRAPH_API,
    LastInbound,
    WhatsAppCloudChannel,
    WhatsAppSettings,
)

Secret = Callable[[str], str]


@dataclass(frozen=True)
class MessagingSettings:
    email: SmtpSettings | None = None
    sms: TwilioSettings | None = None
    whatsapp: WhatsAppSettings | None = None
    public_url: str = ""  # the central server as the providers and consumers reach it

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "MessagingSettings":
        """`messaging.public_url`, `messaging.email.*`, `messaging.sms.*`, `messaging.whatsapp.*`;
        a channel is configured when its first key (host, account_sid, phone_number_id) is set."""
        public_url = _text(values, "messaging.public_url").rstrip("/")
        if public_url and not public_url.startswith(("https://", "http://")):
            raise UserFacingError("messaging.public_url must start with https://.")
        return cls(
            email=_email(values, public_url),
            sms=_sms(values, public_url),
            whatsapp=_whatsapp(values),
            public_url=public_url,
        )


class ChannelSet(Mapping[ChannelName, Channel]):
    """The channels this deployment can send through, by name (a plain name works too)."""

    def __init__(self, channels: Mapping[ChannelName, Channel]) -> None:
        self._channels = dict(channels)

    def __getitem__(self, name: ChannelName) -> Channel:
        return self._channels[name]

    def __iter__(self) -> Iterator[ChannelName]:
        return iter(self._channels)

    def __len__(self) -> int:
        return len(self._channels)

    @property
    def names(self) -> tuple[ChannelName, ...]:
        return tuple(self._channels)

    def require(self, name: ChannelName) -> Channel:
        """The channel, or a UserFacingError naming the settings that would configure it."""
        channel = self._channels.get(name)
        if channel is None:
            raise UserFacingError(f"The {name} channel is not configured (messaging.{name}.*).")
        return channel


def build_channels(
    settings: MessagingSettings,
    *,
    last_inbound: LastInbound,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    secret: Secret = keys.credential,
) -> ChannelSet:
    """Every configured channel with its credentials; a missing one raises MissingCredential."""
    channels: dict[ChannelName, Channel] = {}
    if settings.email:
        password = secret(keys.SMTP_PASSWORD) if settings.email.username else ""
        channels[ChannelName.EMAIL] = SmtpChannel(
            settings.email,
            password=password,
            unsubscribe_key=secret(keys.UNSUBSCRIBE_KEY),
            clock=clock,
        )
    if settings.sms:
        channels[ChannelName.SMS] = TwilioSmsChannel(
            settings.sms, auth_token=secret(keys.TWILIO_AUTH_TOKEN)
        )
    if settings.whatsapp:
        channels[ChannelName.WHATSAPP] = WhatsAppCloudChannel(
            settings.whatsapp,
            access_token=secret(keys.WHATSAPP_ACCESS_TOKEN),
            last_inbound=last_inbound,
            clock=clock,
        )
    return ChannelSet(channels)


def _email(values: Mapping[str, Any], public_url: str) -> SmtpSettings | None:
    host = _text(values, "messaging.email.host")
    if not host:
        return None
    from_address = _text(values, "messaging.email.from_address")
    if "@" not in from_address:
        raise UserFacingError("messaging.email.from_address must be an e-mail address.")
    security = _text(values, "messaging.email.security") or SmtpSecurity.STARTTLS
    if security not in set(SmtpSecurity):
        raise UserFacingError(
            f"messaging.email.security must be one of {', '.join(SmtpSecurity)}, not {security!r}."
        )
    return SmtpSettings(
        host=host,
        port=_port(values, "messaging.email.port", 465 if security == "implicit" else 587),
        security=SmtpSecurity(security),
        username=_text(values, "messaging.email.username"),
        from_address=from_address,
        from_name=_text(values, "messaging.email.from_name"),
        domain=_text(values, "messaging.email.domain"),
        unsubscribe_mailto=_text(values, "messaging.email.unsubscribe_mailto"),
        public_url=public_url,
        ca_file=_text(values, "messaging.email.ca_file"),
    )


def _sms(values: Mapping[str, Any], public_url: str) -> TwilioSettings | None:
    account_sid = _text(values, "messaging.sms.account_sid")
    if not account_sid:
        return None
    if not account_sid.startswith("AC"):
        raise UserFacingError("messaging.sms.account_sid is a Twilio Account SID (AC...).")
    sender = _text(values, "messaging.sms.from_number")
    service = _text(values, "messaging.sms.messaging_service_sid")
    if not (sender or service):
        raise UserFacingError(
            "Give messaging.sms.from_number (E.164) or messaging.sms.messaging_service_sid."
        )
    return TwilioSettings(
        account_sid=account_sid,
        from_number=sender,
        messaging_service_sid=service,
        status_callback_url=f"{public_url}{TWILIO_STATUS_PATH}" if public_url else "",
        base_url=_text(values, "messaging.sms.base_url") or TWILIO_API,
    )


def _whatsapp(values: Mapping[str, Any]) -> WhatsAppSettings | None:
    phone_number_id = _text(values, "messaging.whatsapp.phone_number_id")
    if not phone_number_id:
        return None
    try:
        return WhatsAppSettings(
            phone_number_id=phone_number_id,
            api_version=_text(values, "messaging.whatsapp.api_version") or "v21.0",
            base_url=_text(values, "messaging.whatsapp.base_url") or GRAPH_API,
        )
    except ValueError as error:
        raise UserFacingError(f"messaging.whatsapp.api_version: {error}") from None


def _text(values: Mapping[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if value is None else str(value).strip()


def _port(values: Mapping[str, Any], key: str, default: int) -> int:
    text = _text(values, key)
    if not text:
        return default
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise UserFacingError(f"{key} must be a port number (1-65535), not {text!r}.")
    return int(text)
