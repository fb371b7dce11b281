"""WhatsApp through Meta's WhatsApp Business Cloud API: POST /v{N}/{phone-number-id}/messages
with a bearer token. Free text only inside the 24-hour customer-service window (24 hours after
the consumer last wrote to us); outside it, an approved template with its language and
parameters. The wamid in the answer is the provider id the webhooks name later.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from app.recovery.channels import ChannelName, OutgoingMessage, SendReceipt

GRAPH_API = "https://graph.facebook.com"
SERVICE_WINDOW = timedelta(hours=24)
# 131026: not a WhatsApp user (or cannot receive); 131050: stopped our marketing messages.
PERMANENT_CODES = {131026, 131050}
_VERSION = re.compile(r"^v\d+\.\d+$")

LastInbound = Callable[[str], datetime | None]  # the consumer's last message to us, by number


@dataclass(frozen=True)
class WhatsAppSettings:
    phone_number_id: str
    api_version: str = "v21.0"
    base_url: str = GRAPH_API
    timeout_s: tuple[float, float] = (5.0, 30.0)

    def __post_init__(self) -> None:
        if not _VERSION.match(self.api_version):
            raise ValueError(f"WhatsApp API version {self.api_version!r} is not like v21.0.")


class WhatsAppCloudChannel:
    name = ChannelName.WHATSAPP

    def __init__(
        self,
        settings: WhatsAppSettings,
        *,
        access_token: str,
        last_inbound: LastInbound,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.last_inbound = last_inbound
        self.clock = clock
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {access_token}"

    @property
    def url(self) -> str:
        s = self.settings
        return f"{s.base_url.rstrip('/')}/{s.api_version}/{s.phone_number_id}/messages"

    def in_service_window(self, to: str) -> bool:
        last = self.last_inbound(to)
        return last is not None and self.clock() - last < SERVICE_WINDOW

    def payload(self, message: OutgoingMessage) -> dict[str, Any] | None:
        """The request body, or None when nothing may be sent (outside the window, no template)."""
        base: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to,
        }
        if message.text.strip() and self.in_service_window(message.to):
            return {**base, "type": "text", "text": {"preview_url": False, "body": message.text}}
        if not message.whatsapp_template:
            return None
        template: dict[str, Any] = {
            "name": message.whatsapp_template,
            "language": {"code": message.language},
        }
        if message.parameters:
            parameters = [{"type": "text", "text": value} for value in message.parameters]
            template["components"] = [{"type": "body", "parameters": parameters}]
        return {**base, "type": "template", "template": template}

    def send(self, message: OutgoingMessage) -> SendReceipt:
        payload = self.payload(message)
        if payload is None:
            return SendReceipt(
                False,
                error="Outside the 24-hour customer-service window WhatsApp accepts only an "
                "approved template, and this message has none.",
            )
        try:
            response = self.session.post(self.url, json=payload, timeout=self.settings.timeout_s)
        except requests.RequestException as error:
            return SendReceipt(False, error=f"WhatsApp could not be reached: {error}")
        body = _json(response)
        messages = body.get("messages") or []
        if response.status_code == 200 and messages and messages[0].get("id"):
            return SendReceipt(True, provider_id=str(messages[0]["id"]))
        return _failure(response.status_code, body.get("error") or {})


def _failure(status: int, error: dict[str, Any]) -> SendReceipt:
    code = error.get("code")
    details = (error.get("error_data") or {}).get("details") or ""
    text = " - ".join(t for t in (str(error.get("message") or f"HTTP {status}"), details) if t)
    if status == 429 or status >= 500:
        return SendReceipt(
            False, error=f"WhatsApp is unavailable (HTTP {status}); try again later."
        )
    return SendReceipt(
        False,
        error=f"WhatsApp error {code}: {text}" if code else text,
        permanent=isinstance(code, int) and code in PERMANENT_CODES,
    )


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
