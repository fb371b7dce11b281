"""The messenger `tilldesk recovery run` sends reminders with (composition root).

With a messaging configuration (`--messaging FILE`, a TOML file of `messaging.*` settings:
public_url and the email / sms / whatsapp channels) reminders go out for real: the channels of
sync/messaging with their credentials from the keyring (service tilldesk-messaging), the
templates of resources/recovery/templates, a signed payment link per reminder (the server's
"payment-link-secret") and a signed unsubscribe link. Without one they are only logged.
"""

import logging
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from app.db.recovery_tables_messaging import message_events
from app.domain.errors import UserFacingError
from app.recovery.channels import ChannelName, EventType
from app.recovery.contacts import InvalidContact, checked_email, checked_phone
from app.recovery.unsubscribe import unsubscribe_token, unsubscribe_url
from app.services.alert_notices import supervisor_notifier
from app.services.payment_links import PaymentLinks
from app.services.recovery_alerts import Notifier
from app.services.recovery_message_render import template_render
from app.services.recovery_messenger import RecoveryMessenger
from cli.wiring.server_payment_links import keyring_link_secret
from sync.messaging import credentials
from sync.messaging.factory import MessagingSettings, build_channels
from sync.recovery.gateway import LoggingMessenger

log = logging.getLogger(__name__)


def read_messaging_config(path: Path) -> dict[str, Any]:
    """`messaging.email.host = "..."` or `[messaging.email] host = "..."`: dotted keys, both."""
    try:
        loaded = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserFacingError(f"The messaging settings {path} cannot be read: {error}.") from None
    except tomllib.TOMLDecodeError as error:
        raise UserFacingError(f"The messaging settings {path} are not TOML: {error}.") from None
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        else:
            flat[prefix] = value

    walk("", loaded)
    return flat


@dataclass(frozen=True)
class Messaging:
    messenger: RecoveryMessenger | LoggingMessenger
    alert_notifiers: tuple[Notifier, ...] = ()  # supervisors told of payment alerts


def build_messaging(
    engine: Engine, config: Path | None, clock: Callable[[], datetime]
) -> Messaging:
    """The messenger, and the supervisors' alert notices of `[messaging.alerts]` (lists of
    `email` addresses and `sms` numbers) sent through the same channels."""
    if config is None:
        log.warning("No --messaging settings: reminders are logged, not sent.")
        return Messaging(LoggingMessenger())
    values = read_messaging_config(config)
    settings = MessagingSettings.from_mapping(values)
    if not settings.public_url:
        raise UserFacingError(
            f"{config}: set messaging.public_url (the central server as consumers reach it): "
            "payment and unsubscribe links point there."
        )
    channels = build_channels(settings, last_inbound=last_inbound(engine), clock=clock)
    if not channels:
        raise UserFacingError(f"{config} configures no channel (messaging.email/sms/whatsapp).")
    links = PaymentLinks(engine, keyring_link_secret, clock)
    unsubscribe_key = credentials.credential(credentials.UNSUBSCRIBE_KEY)

    def payment_link_for(case: Mapping[str, Any]) -> str:
        return links.issue(str(case["id"])).url(settings.public_url)

    def unsubscribe_for(channel: ChannelName, address: str, message_key: str) -> str:
        token = unsubscribe_token(unsubscribe_key, channel, address, message_key)
        return unsubscribe_url(settings.public_url, token)

    render = template_render(payment_link_for, unsubscribe_for)
    # The messenger looks channels up by the plain names cases and preferences store.
    by_name = {name.value: channel for name, channel in channels.items()}
    messenger = RecoveryMessenger(engine, by_name, render=render, clock=clock)
    recipients = alert_recipients(values)
    notifiers = (supervisor_notifier(channels, recipients),) if recipients else ()
    return Messaging(messenger, notifiers)


def alert_recipients(values: Mapping[str, Any]) -> list[tuple[ChannelName, str]]:
    """`messaging.alerts.email` / `.sms`: who hears of payment alerts, each address checked."""
    found: list[tuple[ChannelName, str]] = []
    for channel, check in ((ChannelName.EMAIL, checked_email), (ChannelName.SMS, checked_phone)):
        listed = values.get(f"messaging.alerts.{channel.value}") or []
        if isinstance(listed, str):
            listed = [listed]
        for address in listed:
            try:
                found.append((channel, check(str(address))))
            except InvalidContact as error:
                where = f"messaging.alerts.{channel.value}"
                raise UserFacingError(f"{where}: {error.message}") from None
    return found


def last_inbound(engine: Engine) -> Callable[[str], datetime | None]:
    """When the consumer at this WhatsApp number last wrote to us: free text may be sent for
    24 hours after it (Meta's customer-service window); outside it, approved templates only."""

    def latest(phone: str) -> datetime | None:
        query = (
            select(message_events.c.at, message_events.c.detail)
            .where(
                message_events.c.channel == ChannelName.WHATSAPP.value,
                message_events.c.type == EventType.REPLIED.value,
            )
            .order_by(message_events.c.at.desc())
            .limit(200)
        )
        with engine.connect() as connection:
            for row in connection.execute(query):
                if (row.detail or {}).get("contact") == phone:
                    return row.at
        return None

    return latest
