"""Supervisors hear of payment alerts through the reminders' channels (e-mail, SMS)."""

from datetime import UTC, datetime

import pytest

from app.domain.errors import UserFacingError
from app.recovery.analytics.alerts import Transition
from app.recovery.channels import ChannelName, OutgoingMessage, SendReceipt
from app.services.alert_notices import supervisor_notifier
from app.services.recovery_alert_views import AlertView
from app.services.recovery_alerts import AlertChange
from cli.wiring.recovery_messaging import alert_recipients


class Outbox:
    def __init__(self, name: ChannelName) -> None:
        self.name, self.sent = name, []

    def send(self, message: OutgoingMessage) -> SendReceipt:
        self.sent.append(message)
        return SendReceipt(accepted=True, provider_id=message.message_key)


def alert(level: str = "critical") -> AlertView:
    return AlertView(
        id="A1", metric="failure_rate", scope_kind="method", scope="credit_card", level=level,
        value=0.12, threshold=0.10, sample=250, raised_at=datetime(2027, 1, 6, 9, tzinfo=UTC),
        escalated_at=None, cleared_at=None, acknowledged_by=None, acknowledged_at=None,
    )  # fmt: skip


def test_each_recipient_hears_each_change_on_a_configured_channel():
    email = Outbox(ChannelName.EMAIL)
    notify = supervisor_notifier(
        {ChannelName.EMAIL: email},
        [(ChannelName.EMAIL, "ops@utility.example"), (ChannelName.SMS, "+14155552671")],
    )
    notify(AlertChange(Transition.ESCALATED, alert()))
    [sent] = email.sent  # no SMS channel configured: the SMS recipient is skipped
    assert sent.to == "ops@utility.example"
    assert sent.subject.startswith("Alert now critical: Failure rate of credit_card")
    assert "Recovery (F8) > Alerts" in sent.text


def test_alert_recipients_are_checked_in_the_settings():
    values = {"messaging.alerts.email": ["ops@utility.example"],
              "messaging.alerts.sms": "(415) 555-2671"}  # fmt: skip
    with pytest.raises(UserFacingError, match=r"messaging\.alerts\.sms"):
        alert_recipients(values)  # a national number without a country: not callable
    values["messaging.alerts.sms"] = "+14155552671"
    assert alert_recipients(values) == [
        (ChannelName.EMAIL, "ops@utility.example"),
        (ChannelName.SMS, "+14155552671"),
    ]
