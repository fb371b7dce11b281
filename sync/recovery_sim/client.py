"""The HTTP client of a simulated world: POST /attempt, POST /message, GET /events."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from app.domain.errors import UserFacingError
from app.recovery.ledger import AttemptPermit
from app.recovery.message_ledger import MessagePermit
from app.recovery.ports import AttemptResult, MessageResult, WorldEvent

TIMEOUT_SECONDS = 30
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class WorldError(Exception):
    """The world answered something the protocol does not allow (a bug on one side)."""


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WorldClient:
    """Speaks for the engine; refuses, before sending, any request that would move time back."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        if urlsplit(self.base_url).hostname in LOOPBACK:
            self.session.trust_env = False  # no proxy look-ups on every one of many calls
        self.clock: datetime | None = None

    def attempt(self, permit: AttemptPermit, amount_minor: int) -> AttemptResult:
        body = self._post(
            "/attempt",
            {"case_id": permit.case_id, "at": self._tick(permit.at), "amount_minor": amount_minor},
        )
        return AttemptResult(
            approved=bool(body["approved"]),
            code=str(body.get("code") or ""),
            advice_code=str(body.get("merchant_advice_code") or ""),
        )

    def message(self, permit: MessagePermit, *, template: str, payment_link: bool) -> MessageResult:
        body = self._post(
            "/message",
            {
                "case_id": permit.case_id,
                "at": self._tick(permit.at),
                "channel": permit.channel,
                "template": template,
                "payment_link": payment_link,
                "urgent": permit.urgent,
            },
        )
        return MessageResult(accepted=bool(body["accepted"]), error=body.get("error"))

    def events(self, until: datetime) -> list[WorldEvent]:
        stamp = self._tick(until)
        response = self._send("GET", "/events", params={"until": stamp})
        events = []
        for item in response.json():
            at = datetime.fromisoformat(item["at"]).astimezone(UTC)
            if at > until:
                raise WorldError(f"/events?until={stamp} returned an event at {item['at']}")
            events.append(
                WorldEvent(
                    case_id=str(item["case_id"]),
                    at=at,
                    type=str(item["type"]),
                    channel=item.get("channel"),
                    amount_minor=int(item.get("amount_minor") or 0),
                )
            )
        return events

    # -- plumbing -------------------------------------------------------------------------------
    def _tick(self, at: datetime) -> str:
        if self.clock is not None and at < self.clock:
            raise WorldError(f"time may not go back: {iso(at)} after {iso(self.clock)}")
        self.clock = at
        return iso(at)

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self._send("POST", path, json=payload).json()

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(
                method, self.base_url + path, timeout=TIMEOUT_SECONDS, **kwargs
            )
        except requests.RequestException as error:
            raise UserFacingError(
                f"The simulated world at {self.base_url} did not answer: {error}"
            ) from error
        if response.status_code == 400:
            raise WorldError(f"{method} {path} refused: {response.text[:200]}")
        if response.status_code >= 300:
            raise UserFacingError(
                f"The simulated world answered {response.status_code} to {method} {path}."
            )
        return response
