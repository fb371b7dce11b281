"""How `recovery run` workers share the work: leases on due cases, started attempts, case rows.

A worker claims one due case at a time: SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL (two
workers never pick the same row), BEGIN IMMEDIATE on SQLite (one writer at a time), then a lease
(claimed_by, claimed_until) keeps the case its own while it decides and acts outside the
transaction. A worker that died leaves its lease to expire; the same worker id restarting
takes its leases back at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, exists, func, or_, select, update
from sqlalchemy import case as sql_case

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_consumers,
    recovery_events,
    recovery_messages,
)

cases, attempts = recovery_cases, recovery_attempts
MESSAGE_HISTORY = timedelta(days=8)  # older messages no longer touch this week's caps
# Timeline events that carry money paid on a case outside its attempts (their amount_minor):
# a payment link paid, a counter payment (whole or part of what was owed), and its void.
# plan_paid: what a cancelled plan offered on the case had been paid (its installments).
CREDIT_EVENTS = ("paid", "counter_payment", "plan_paid")
DEBIT_EVENTS = ("counter_payment_voided",)


@dataclass(frozen=True)
class CaseMessages:
    """How many messages one case has had since it opened, and when the last one went."""

    total: int = 0
    links: int = 0  # those carrying a payment link (a new method, a plan, a reminder to pay)
    last_at: datetime | None = None


@dataclass
class CaseRows:
    """Everything a visit needs about one case, read in one transaction."""

    case: dict[str, Any]
    consumer: dict[str, Any] | None
    attempts: list[dict[str, Any]]  # this case's, oldest first
    elsewhere: list[datetime]  # other cases' attempts on the same instrument
    messages: list[dict[str, Any]]  # the consumer's recent messages, oldest first
    # This case's messages over its whole life: caps such as "ask for a new method at most
    # twice" must hold past the recent window above.
    sent: CaseMessages | None = None
    credited_minor: int = 0  # paid outside the attempts (a counter, a link), net of voids


def _free(me: str, now: datetime) -> Any:
    return or_(
        cases.c.claimed_until.is_(None), cases.c.claimed_until < now, cases.c.claimed_by == me
    )


def claim_due(engine: Engine, me: str, now: datetime, lease: timedelta) -> str | None:
    """Lease the most overdue open case to worker `me`; None when nothing is due."""
    query = (
        select(cases.c.id)
        .where(cases.c.status == "open", cases.c.next_at <= now, _free(me, now))
        .order_by(cases.c.next_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return _claim(engine, query, me, now, lease)


def claim_unreconciled(engine: Engine, me: str, now: datetime, lease: timedelta) -> str | None:
    """Lease a case with an attempt left 'started' by a worker that died (or by this one)."""
    started = exists().where(attempts.c.case_id == cases.c.id, attempts.c.state == "started")
    query = select(cases.c.id).where(started, _free(me, now)).limit(1)
    return _claim(engine, query.with_for_update(skip_locked=True), me, now, lease)


def _claim(engine: Engine, query: Any, me: str, now: datetime, lease: timedelta) -> str | None:
    with engine.begin() as connection:
        case_id = connection.execute(query).scalar_one_or_none()
        if case_id is not None:
            connection.execute(
                update(cases)
                .where(cases.c.id == case_id)
                .values(claimed_by=me, claimed_until=now + lease)
            )
    return case_id


def read_case(engine: Engine, case_id: str, now: datetime) -> CaseRows:
    with engine.begin() as connection:
        case = _one(connection, select(cases).where(cases.c.id == case_id))
        assert case is not None
        consumer = _one(
            connection,
            select(recovery_consumers).where(recovery_consumers.c.id == case["consumer_id"]),
        )
        own = connection.execute(
            select(attempts).where(attempts.c.case_id == case_id).order_by(attempts.c.id)
        )
        elsewhere = connection.execute(
            select(attempts.c.at).where(
                attempts.c.instrument == case["instrument"],
                attempts.c.case_id != case_id,
                attempts.c.state.in_(("started", "done")),
            )
        )
        messages = connection.execute(
            select(recovery_messages)
            .where(
                recovery_messages.c.consumer_id == case["consumer_id"],
                recovery_messages.c.at >= now - MESSAGE_HISTORY,
            )
            .order_by(recovery_messages.c.at)
        )
        return CaseRows(
            case=case,
            consumer=consumer,
            attempts=[dict(r._mapping) for r in own],
            elsewhere=[r.at for r in elsewhere] if case["instrument"] else [],
            messages=[dict(r._mapping) for r in messages],
            sent=_case_messages(connection, case_id, case["consumer_id"]),
            credited_minor=credited(connection, case_id),
        )


def _case_messages(connection: Connection, case_id: str, consumer_id: str) -> CaseMessages:
    """Counted in SQL, never loaded: the consumer filter lets the (consumer_id, at) index
    find the few rows of this case."""
    links = func.coalesce(func.sum(sql_case((recovery_messages.c.payment_link, 1), else_=0)), 0)
    row = connection.execute(
        select(func.count(), links, func.max(recovery_messages.c.at)).where(
            recovery_messages.c.consumer_id == consumer_id,
            recovery_messages.c.case_id == case_id,
        )
    ).one()
    return CaseMessages(total=int(row[0]), links=int(row[1]), last_at=row[2])


class CaseNotOpen(Exception):
    """The case was paused, stopped, settled or part-paid while the worker was deciding: no
    charge (or none of the amount it had decided)."""


def start_attempt(engine: Engine, row: dict[str, Any]) -> None:
    """Record the attempt as started and commit: only then may it be sent.

    The case row is locked and checked in the same transaction, so a pause (or a payment at a
    counter) that commits first always wins over the charge."""
    with engine.begin() as connection:
        status, owed = connection.execute(
            select(cases.c.status, cases.c.amount_minor)
            .where(cases.c.id == row["case_id"])
            .with_for_update()
        ).one()
        if status != "open":
            raise CaseNotOpen(f"case {row['case_id']} is {status}: not charged")
        # A part payment at a counter may have landed while this worker decided: never charge
        # more than is still owed; the next visit decides again on the new amount.
        left = owed - recovered(connection, row["case_id"])
        if row["amount_minor"] > left:
            raise CaseNotOpen(f"case {row['case_id']} owes {left} now: not charged")
        connection.execute(attempts.insert().values(state="started", approved=None, **row))


def finish_attempt(engine: Engine, key: str, **outcome: Any) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(attempts).where(attempts.c.idempotency_key == key).values(**outcome)
        )


def recovered(connection: Connection, case_id: str) -> int:
    """Every credit recorded for the case: its approved attempts and the money paid outside
    the engine (a counter, a payment link)."""
    total = select(func.coalesce(func.sum(attempts.c.amount_minor), 0)).where(
        attempts.c.case_id == case_id, attempts.c.approved.is_(True)
    )
    return int(connection.execute(total).scalar_one()) + credited(connection, case_id)


def credited(connection: Connection, case_id: str) -> int:
    """The money paid on the case outside the engine's attempts, net of voids."""
    e = recovery_events.c
    signed = sql_case((e.type.in_(DEBIT_EVENTS), -e.amount_minor), else_=e.amount_minor)
    total = select(func.coalesce(func.sum(signed), 0)).where(
        e.case_id == case_id, e.type.in_(CREDIT_EVENTS + DEBIT_EVENTS)
    )
    return int(connection.execute(total).scalar_one())


def release(connection: Connection, case_id: str, me: str, **values: Any) -> None:
    """Save the case's new state and give its lease back (only if it is still ours)."""
    connection.execute(
        update(cases)
        .where(cases.c.id == case_id, cases.c.claimed_by == me)
        .values(claimed_by=None, claimed_until=None, **values)
    )


def _one(connection: Connection, query: Any) -> dict[str, Any] | None:
    row = connection.execute(query).first()
    return dict(row._mapping) if row is not None else None
