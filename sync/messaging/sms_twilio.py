"""SMS through Twilio's Programmable Messaging REST API: a form-encoded POST to
/2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth (AccountSid:AuthToken).

The message SID is the provider id the status callbacks name later. A send is not retried
here: Twilio has no idempotency key, so a repeat could reach the consumer twice.
"""

from dataclasses import dataclass
from typing import Any

import requests

from app.recovery.channels import ChannelName, OutgoingMessage, SendReceipt

TWILIO_API = "https://api.twilio.com"
# The number is not a valid (mobile) number, or its owner replied STOP: never retry it.
INVALID_NUMBER = {21211, 21614}
UNSUBSCRIBED = 21610
PERMANENT_CODES = INVALID_NUMBER | {UNSUBSCRIBED}


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    from_number: str = ""  # E.164; or a messaging service below
    messaging_service_sid: str = ""
    status_callback_url: str = ""  # the central server's /v1/webhooks/messaging/twilio/status
    base_url: str = TWILIO_API
    timeout_s: tuple[float, float] = (5.0, 30.0)


class TwilioSmsChannel:
    name = ChannelName.SMS

    def __init__(self, settings: TwilioSettings, *, auth_token: str) -> None:
        if not (settings.from_number or settings.messaging_service_sid):
            raise ValueError("Twilio needs a sender: a From number or a MessagingServiceSid.")
        self.settings = settings
        self.session = requests.Session()
        self.session.auth = (settings.account_sid, auth_token)

    @property
    def url(self) -> str:
        base = self.settings.base_url.rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.settings.account_sid}/Messages.json"

    def form(self, message: OutgoingMessage) -> dict[str, str]:
        s = self.settings
        form = {"To": message.to, "Body": message.text}
        if s.messaging_service_sid:
            form["MessagingServiceSid"] = s.messaging_service_sid
        else:
            form["From"] = s.from_number
        if s.status_callback_url:
            form["StatusCallback"] = s.status_callback_url
        return form

    def send(self, message: OutgoingMessage) -> SendReceipt:
        if not message.text.strip():
            return SendReceipt(False, error="The SMS has no text.")
        try:
            response = self.session.post(
                self.url, data=self.form(message), timeout=self.settings.timeout_s
            )
        except requests.RequestException as error:
            return SendReceipt(False, error=f"Twilio could not be reached: {error}")
        body = _json(response)
        if response.status_code in (200, 201) and body.get("sid"):
            return SendReceipt(True, provider_id=str(body["sid"]))
        return _failure(response.status_code, body)


def _failure(status: int, body: dict[str, Any]) -> SendReceipt:
    code = body.get("code")
    text = str(body.get("message") or f"HTTP {status}")
    if status == 401:
        return SendReceipt(False, error=f"Twilio refused the credentials: {text}")
    if status == 429 or status >= 500:
        return SendReceipt(False, error=f"Twilio is unavailable (HTTP {status}); try again later.")
    return SendReceipt(
        False,
        error=f"Twilio error {code}: {text}" if code else text,
        permanent=isinstance(code, int) and code in PERMANENT_CODES,
    )


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
