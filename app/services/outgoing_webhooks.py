"""Outgoing webhooks, the database side: publish events (an outbox) and manage endpoints.

`publish_event` writes the event, and a pending delivery per subscribed endpoint, inside the
caller's transaction: an event exists exactly when the change it reports was committed.
The deliverer (sync/outgoing) sends them; this module never touches the network.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, select

from app.db.recovery_tables_webhooks import (
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
)
from app.domain.errors import UserFacingError

EVENT_KINDS = (
    "case.opened",
    "case.recovered",
    "case.escalated",
    "alert.raised",
    "alert.cleared",
    "experiment.finished",
)


@dataclass(frozen=True)
class Endpoint:
    id: str
    url: str
    kinds: tuple[str, ...]
    secret_ref: str
    active: bool
    created_at: datetime
    deactivated_reason: str | None


def publish_event(
    connection: Connection,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime | None = None,
) -> str:
    """Record event `kind` in the caller's transaction; returns the event id.

    `payload` must be JSON-serialisable (money as integer minor units plus currency).
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown webhook event kind {kind!r}")
    at = now or datetime.now(UTC)
    event_id = str(uuid.uuid4())
    connection.execute(
        webhook_events.insert().values(id=event_id, kind=kind, payload=payload, created_at=at)
    )
    endpoints = connection.execute(
        select(webhook_endpoints.c.id, webhook_endpoints.c.kinds).where(
            webhook_endpoints.c.active.is_(True)
        )
    )
    rows = [
        {
            "event_id": event_id,
            "endpoint_id": e.id,
            "attempt": 1,
            "outcome": "pending",
            "next_at": at,
        }
        for e in endpoints
        if kind in e.kinds.split(",")
    ]
    if rows:
        connection.execute(webhook_deliveries.insert(), rows)
    return event_id


def parse_kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(sorted({k.strip() for k in text.split(",") if k.strip()}))
    unknown = [k for k in kinds if k not in EVENT_KINDS]
    if not kinds or unknown:
        raise UserFacingError(
            f"Unknown event kind(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(EVENT_KINDS)}."
        )
    return kinds


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UserFacingError(f"{url!r} is not an http(s) URL.")
    return url


def add_endpoint(
    engine: Engine,
    url: str,
    kinds: tuple[str, ...],
    store_secret: Callable[[str], str],
    *,
    now: datetime | None = None,
) -> Endpoint:
    """Register an endpoint; `store_secret(endpoint_id)` keeps its secret and names it."""
    check_url(url)
    endpoint_id = str(uuid.uuid4())
    secret_ref = store_secret(endpoint_id)
    row = {
        "id": endpoint_id,
        "url": url,
        "kinds": ",".join(kinds),
        "secret_ref": secret_ref,
        "active": True,
        "created_at": now or datetime.now(UTC),
        "deactivated_reason": None,
    }
    with engine.begin() as connection:
        connection.execute(webhook_endpoints.insert().values(**row))
    return _endpoint(row)


def list_endpoints(engine: Engine) -> list[Endpoint]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(webhook_endpoints).order_by(webhook_endpoints.c.created_at)
        ).mappings()
        return [_endpoint(dict(r)) for r in rows]


def _endpoint(row: dict[str, Any]) -> Endpoint:
    return Endpoint(
        id=row["id"],
        url=row["url"],
        kinds=tuple(row["kinds"].split(",")),
        secret_ref=row["secret_ref"],
        active=bool(row["active"]),
        created_at=row["created_at"],
        deactivated_reason=row["deactivated_reason"],
    )
