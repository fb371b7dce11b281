"""Payment alerts told to supervisors through the reminders' own channels (e-mail, SMS): a
notifier for app.services.recovery_alerts.evaluate, one message per transition and address."""

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence

from app.recovery.channels import Channel, ChannelName, OutgoingMessage
from app.services.recovery_alerts import AlertChange, Notifier

log = logging.getLogger(__name__)

WORDS = {"raised": "Alert", "escalated": "Alert now critical", "cleared": "Alert cleared"}


def supervisor_notifier(
    channels: Mapping[ChannelName, Channel],
    recipients: Sequence[tuple[ChannelName, str]],
    new_key: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> Notifier:
    """Each alert change goes to every recipient whose channel is configured; a failed send is
    logged (the alert stays on the Alerts screen and in the status bar regardless)."""

    def notify(change: AlertChange) -> None:
        alert = change.alert
        title = f"{WORDS.get(change.transition.value, 'Alert')}: {alert.text}"
        body = (
            f"{title}\n\nLevel: {alert.level}. Raised {alert.raised_at:%Y-%m-%d %H:%M} UTC.\n"
            "Open Tilldesk > Recovery (F8) > Alerts to acknowledge it."
        )
        for channel_name, address in recipients:
            channel = channels.get(channel_name)
            if channel is None:
                continue
            message = OutgoingMessage(
                channel=channel_name,
                to=address,
                text=body if channel_name is ChannelName.EMAIL else title[:300],
                message_key=f"alert-{alert.id}-{new_key()}",
                subject=title[:150],
            )
            receipt = channel.send(message)
            if not receipt.accepted:
                log.warning("Alert %s not told to %s: %s", alert.id, address, receipt.error)

    return notify
