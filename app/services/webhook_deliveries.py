"""The delivery log of outgoing webhooks: claim due tries, record each try, read the log.

Every try is a row; a failed try schedules the next one as a new row, so the log shows each
attempt with its status code or error. The network side is sync/outgoing/deliverer.py.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from app.db.recovery_tables_webhooks import (
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
)

# Outcomes of a try. "pending" is a try not made yet; the others are final for that row.
PENDING, DELIVERED, FAILED, GAVE_UP, GONE, DROPPED = (
    "pending", "delivered", "failed", "gave_up", "gone", "dropped",
)  # fmt: skip


@dataclass(frozen=True)
class DueTry:
    """One try to make now: the event, where it goes, and which attempt this is."""

    delivery_id: int
    attempt: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    endpoint_id: str
    url: str
    secret_ref: str


@dataclass(frozen=True)
class TryResult:
    status_code: int | None
    error: str | None


@dataclass(frozen=True)
class LogEntry:
    delivery_id: int
    event_id: str
    kind: str
    endpoint_id: str
    url: str
    attempt: int
    outcome: str
    next_at: datetime | None
    tried_at: datetime | None
    status_code: int | None
    error: str | None
    delivered_at: datetime | None


def claim_due(engine: Engine, now: datetime, lease: timedelta, limit: int = 50) -> list[DueTry]:
    """Pending tries due by `now`, leased so that another worker leaves them alone.

    A worker that dies mid-send leaves the lease to run out; the try is then made again (the
    receiver deduplicates on the event id), never lost.
    """
    d, e, p = webhook_deliveries.c, webhook_endpoints.c, webhook_events.c
    with engine.begin() as connection:
        ids = list(
            connection.execute(
                select(d.id)
                .where(d.outcome == PENDING, d.next_at <= now)
                .order_by(d.next_at, d.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if not ids:
            return []
        connection.execute(
            update(webhook_deliveries).where(d.id.in_(ids)).values(next_at=now + lease)
        )
        rows = connection.execute(
            select(
                d.id, d.attempt, p.id.label("event_id"), p.kind, p.payload, p.created_at,
                e.id.label("endpoint_id"), e.url, e.secret_ref, e.active,
            )
            .join(webhook_events, p.id == d.event_id)
            .join(webhook_endpoints, e.id == d.endpoint_id)
            .where(d.id.in_(ids))
            .order_by(d.id)
        ).all()  # fmt: skip
        inactive = [r.id for r in rows if not r.active]
        if inactive:  # deactivated since the event: nobody is listening there any more
            connection.execute(
                update(webhook_deliveries)
                .where(d.id.in_(inactive))
                .values(outcome=DROPPED, next_at=None, error="endpoint inactive")
            )
    return [
        DueTry(
            r.id,
            r.attempt,
            r.event_id,
            r.kind,
            r.payload,
            r.created_at,
            r.endpoint_id,
            r.url,
            r.secret_ref,
        )
        for r in rows
        if r.active
    ]


def record_try(
    engine: Engine,
    due: DueTry,
    result: TryResult,
    now: datetime,
    retry_at: datetime | None,
) -> str:
    """Write what one try got back; schedule the next at `retry_at` (None: no more tries)."""
    code = result.status_code
    if code is not None and 200 <= code < 300:
        outcome = DELIVERED
    elif code == 410:
        outcome = GONE
    else:
        outcome = FAILED if retry_at is not None else GAVE_UP
    d = webhook_deliveries.c
    with engine.begin() as connection:
        connection.execute(
            update(webhook_deliveries)
            .where(d.id == due.delivery_id)
            .values(
                outcome=outcome,
                tried_at=now,
                status_code=code,
                error=result.error,
                next_at=None,
                delivered_at=now if outcome == DELIVERED else None,
            )
        )
        if outcome == FAILED:
            connection.execute(
                webhook_deliveries.insert().values(
                    event_id=due.event_id, endpoint_id=due.endpoint_id,
                    attempt=due.attempt + 1, outcome=PENDING, next_at=retry_at,
                )
            )  # fmt: skip
        if outcome == GONE:
            _deactivate(connection, due.endpoint_id, f"answered 410 Gone at {now.isoformat()}")
    return outcome


def _deactivate(connection: Any, endpoint_id: str, reason: str) -> None:
    connection.execute(
        update(webhook_endpoints)
        .where(webhook_endpoints.c.id == endpoint_id)
        .values(active=False, deactivated_reason=reason)
    )
    d = webhook_deliveries.c
    connection.execute(
        update(webhook_deliveries)
        .where(d.endpoint_id == endpoint_id, d.outcome == PENDING)
        .values(outcome=DROPPED, next_at=None, error="endpoint deactivated")
    )


def delivery_log(
    engine: Engine, *, limit: int = 100, event_id: str | None = None
) -> list[LogEntry]:
    """The newest tries first (a planned try included), for people and --json."""
    d, e, p = webhook_deliveries.c, webhook_endpoints.c, webhook_events.c
    query = (
        select(
            d.id, d.event_id, p.kind, d.endpoint_id, e.url, d.attempt, d.outcome, d.next_at,
            d.tried_at, d.status_code, d.error, d.delivered_at,
        )
        .join(webhook_events, p.id == d.event_id)
        .join(webhook_endpoints, e.id == d.endpoint_id)
        .order_by(d.id.desc())
        .limit(limit)
    )  # fmt: skip
    if event_id is not None:
        query = query.where(d.event_id == event_id)
    with engine.connect() as connection:
        return [LogEntry(*row) for row in connection.execute(query)]
