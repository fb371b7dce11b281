"""Shared by the webhook tests: an endpoint with its secret in the keyring, a stepping clock."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from app.services.outgoing_webhooks import Endpoint, add_endpoint, publish_event
from sync.outgoing.endpoint_secrets import secret_ref, store_endpoint_secret

SECRET = "whsec_test_0123456789abcdef"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class SteppingClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def endpoint(engine: Engine, url: str, kinds: tuple[str, ...] = ("case.opened",)) -> Endpoint:
    def keep(endpoint_id: str) -> str:
        ref = secret_ref(endpoint_id)
        store_endpoint_secret(ref, SECRET)
        return ref

    return add_endpoint(engine, url, kinds, keep, now=START)


def publish(engine: Engine, kind: str = "case.opened", **payload: object) -> str:
    with engine.begin() as connection:
        return publish_event(
            connection, kind, {"case_id": "K001", "amount_minor": 4500, "currency": "USD",
                               **payload}, now=START
        )  # fmt: skip
