"""Sends due outgoing webhooks: signed JSON POSTs, retried with back-off, every try logged.

2xx is delivered; 410 Gone deactivates the endpoint; anything else (other codes, redirects,
refused connections, time-outs, a missing secret) is retried with exponential back-off and
jitter, MAX_TRIES in all over about a day, then given up. The clock and the randomness are
injected so tests step through a day of retries without sleeping.
"""

import json
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import Engine

from app.services.webhook_deliveries import DueTry, TryResult, claim_due, record_try
from sync.outgoing.endpoint_secrets import endpoint_secret
from sync.outgoing.signing import (
    EVENT_ID_HEADER,
    EVENT_KIND_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)

log = logging.getLogger(__name__)

MAX_TRIES = 8
FIRST_DELAY = timedelta(minutes=1)
GROWTH = 4
MAX_DELAY = timedelta(hours=6)
JITTER = 0.2  # each delay is drawn within +-20 %, so endpoints that failed together spread out
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 10.0
USER_AGENT = "Tilldesk-Webhooks/1"


def retry_delay(attempt: int, rng: random.Random) -> timedelta:
    """The wait after failed try number `attempt` (1-based): 1 min, 4, 16, 64, 4h16, 6h, 6h."""
    base = min(FIRST_DELAY * GROWTH ** (attempt - 1), MAX_DELAY)
    return base * rng.uniform(1 - JITTER, 1 + JITTER)


def event_body(due: DueTry) -> bytes:
    """The JSON posted: the same bytes on every retry, so a receiver may hash them."""
    document = {
        "id": due.event_id,
        "kind": due.kind,
        "created_at": due.created_at.isoformat(),
        "data": due.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class DeliveryTally:
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0
    gone: int = 0
    outcomes: list[str] = field(default_factory=list)


class Deliverer:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
        secret_for: Callable[[str], str | None] = endpoint_secret,
        session: requests.Session | None = None,
        timeout: float = TIMEOUT_SECONDS,
        batch: int = 50,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.rng = rng or random.Random()
        self.secret_for = secret_for
        self.session = session or requests.Session()
        self.timeout = timeout
        self.batch = batch  # tries leased at once: a worker that dies holds few

    def run_once(self) -> DeliveryTally:
        """Every try due now, once each; returns what became of them."""
        tally = DeliveryTally()
        while due := claim_due(self.engine, self.clock(), LEASE, self.batch):
            for one in due:
                outcome = self.deliver(one)
                tally.outcomes.append(outcome)
                if outcome == "delivered":
                    tally.delivered += 1
                elif outcome == "gone":
                    tally.gone += 1
                elif outcome == "gave_up":
                    tally.gave_up += 1
                else:
                    tally.failed += 1
        return tally

    def deliver(self, due: DueTry) -> str:
        result = self._post(due)
        now = self.clock()
        retry_at = None
        if due.attempt < MAX_TRIES:
            retry_at = now + retry_delay(due.attempt, self.rng)
        outcome = record_try(self.engine, due, result, now, retry_at)
        log.info(
            "webhook %s %s to %s try %d: %s",
            due.kind, due.event_id, due.url, due.attempt, result.status_code or result.error,
        )  # fmt: skip
        return outcome

    def _post(self, due: DueTry) -> TryResult:
        secret = self.secret_for(due.secret_ref)
        if not secret:
            return TryResult(None, f"signing secret {due.secret_ref} is not in the keyring")
        body = event_body(due)
        timestamp = int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_ID_HEADER: due.event_id,
            EVENT_KIND_HEADER: due.kind,
            SIGNATURE_HEADER: signature_header(secret, timestamp, body),
        }
        try:
            response = self.session.post(
                due.url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.RequestException as failure:
            return TryResult(None, f"{type(failure).__name__}: {failure}"[:500])
        error = None if 200 <= response.status_code < 300 else response.text[:500] or None
        return TryResult(response.status_code, error)


def deliver_until(
    deliverer: Deliverer, stop: threading.Event, *, poll: float = 5.0, once: bool = False
) -> DeliveryTally:
    """Send what is due every `poll` seconds until `stop` is set; the totals when it is.

    `tilldesk recovery webhooks deliver` runs it; the recovery service can run it in a thread
    beside its worker with the same stop event. A failure of one round (the database away) is
    logged and the next round tries again: events wait in the table, nothing is lost.
    """
    total = DeliveryTally()
    while not stop.is_set():
        try:
            tally = deliverer.run_once()
        except Exception:  # a background loop must outlive a bad round
            if once:
                raise
            log.exception("webhook delivery round failed")
        else:
            total.delivered += tally.delivered
            total.failed += tally.failed
            total.gave_up += tally.gave_up
            total.gone += tally.gone
            total.outcomes += tally.outcomes
        if once:
            break
        stop.wait(poll)
    return total
