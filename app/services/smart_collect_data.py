"""What Smart Collect reads of one consumer in the recovery database, as the pure inputs."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, func, select
from sqlalchemy.exc import IntegrityError

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_consumers,
    recovery_events,
)
from app.db.recovery_tables_smart_collect import recovery_credits, recovery_forecasts
from app.domain.errors import UserFacingError
from app.recovery.smart_collect.behaviour import AttemptRecord, PaidBill
from app.recovery.smart_collect.income import Credit
from app.recovery.zones import consumer_zones

CALIBRATION_ROWS = 5000  # the most recent forecasts with an outcome
OUTCOME_DAYS = 7  # an attempt this long after a forecast's date still answers it
CHUNK = 500  # consumers per IN (...) list


class UnknownConsumer(UserFacingError):
    """Neither a consumer row nor a case of that consumer is in the recovery database."""


@dataclass(frozen=True)
class ConsumerRows:
    consumer: dict[str, Any]
    zone: ZoneInfo
    cases: list[dict[str, Any]]  # oldest first
    attempts: list[dict[str, Any]]  # answered attempts of those cases, oldest first
    paid_events: dict[str, datetime]  # case id -> when a payment was reported
    credits: list[Credit]  # observed credits; empty when none were imported


def read_consumer(engine: Engine, consumer_id: str) -> ConsumerRows:
    found = read_consumers(engine, [consumer_id])
    if consumer_id not in found:
        raise UnknownConsumer(f"There is no consumer {consumer_id} in the recovery database.")
    return found[consumer_id]


def read_consumers(engine: Engine, consumer_ids: list[str]) -> dict[str, ConsumerRows]:
    """Several consumers' rows in a few queries per chunk (the queue reads every open case's)."""
    found: dict[str, ConsumerRows] = {}
    unique = sorted(set(consumer_ids))
    with engine.connect() as connection:
        for start in range(0, len(unique), CHUNK):
            found.update(_read_chunk(connection, unique[start : start + CHUNK]))
    return found


def _read_chunk(connection: Connection, ids: list[str]) -> dict[str, ConsumerRows]:
    cases_of = recovery_cases.c.consumer_id.in_(ids)
    consumers = {r.id: dict(r._mapping) for r in connection.execute(
        select(recovery_consumers).where(recovery_consumers.c.id.in_(ids)))}  # fmt: skip
    cases = _grouped(connection, select(recovery_cases).where(cases_of)
                     .order_by(recovery_cases.c.failed_at, recovery_cases.c.id))  # fmt: skip
    attempts = _grouped(
        connection,
        select(recovery_attempts, recovery_cases.c.consumer_id)
        .join(recovery_cases, recovery_cases.c.id == recovery_attempts.c.case_id)
        .where(cases_of, recovery_attempts.c.state == "done")
        .order_by(recovery_attempts.c.at, recovery_attempts.c.id),
    )
    paid: dict[str, datetime] = {}
    for case_id, at in connection.execute(
        select(recovery_events.c.case_id, func.min(recovery_events.c.at))
        .join(recovery_cases, recovery_cases.c.id == recovery_events.c.case_id)
        .where(cases_of, recovery_events.c.type == "paid")
        .group_by(recovery_events.c.case_id)
    ):
        paid[case_id] = at
    credits: dict[str, list[Credit]] = {}
    for r in connection.execute(
        select(recovery_credits)
        .where(recovery_credits.c.consumer_id.in_(ids))
        .order_by(recovery_credits.c.credited_on)
    ):
        credits.setdefault(r.consumer_id, []).append(
            Credit(date.fromisoformat(r.credited_on), r.amount_minor, r.source, r.balance_minor)
        )
    found = {}
    for consumer_id in ids:
        if consumer_id not in consumers and consumer_id not in cases:
            continue
        row = consumers.get(consumer_id) or {"id": consumer_id, "vip": False}
        own = cases.get(consumer_id, [])
        zone = consumer_zones(
            row.get("timezone", ""), row.get("phone", ""), row.get("country", "US"),
            row.get("subdivision", ""),
        )[0]  # fmt: skip
        found[consumer_id] = ConsumerRows(
            row, zone, own, attempts.get(consumer_id, []),
            {c["id"]: paid[c["id"]] for c in own if c["id"] in paid},
            credits.get(consumer_id, []),
        )  # fmt: skip
    return found


def _grouped(connection: Connection, query: Any) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in connection.execute(query):
        grouped.setdefault(row.consumer_id, []).append(dict(row._mapping))
    return grouped


def attempt_records(rows: ConsumerRows) -> list[AttemptRecord]:
    return [
        AttemptRecord(
            a["case_id"], a["at"].astimezone(rows.zone), a["amount_minor"], bool(a["approved"]),
            a["category"],
        )
        for a in rows.attempts
    ]  # fmt: skip


def approved_as_credits(rows: ConsumerRows) -> list[Credit]:
    """Without observed credits, approved payments stand in: they cluster after paydays."""
    return [
        Credit(a["at"].astimezone(rows.zone).date(), a["amount_minor"], "approved payments")
        for a in rows.attempts
        if a["approved"]
    ]


def paid_bills(rows: ConsumerRows) -> list[PaidBill]:
    first_paid: dict[str, datetime] = dict(rows.paid_events)
    for a in rows.attempts:
        if a["approved"] and (a["case_id"] not in first_paid or a["at"] < first_paid[a["case_id"]]):
            first_paid[a["case_id"]] = a["at"]
    return [
        PaidBill(
            due=date.fromisoformat(c["due_date"]) if c["due_date"] else None,
            failed_on=c["failed_at"].astimezone(rows.zone).date(),
            paid_on=first_paid[c["id"]].astimezone(rows.zone).date()
            if c["id"] in first_paid
            else None,
        )
        for c in rows.cases
    ]


def forecast_outcomes(engine: Engine) -> list[tuple[float, bool]]:
    """Past forecasts and whether the next attempt on their case (within a week of the date
    forecast) was approved; forecasts not yet followed by an attempt are left out."""
    f, a = recovery_forecasts.c, recovery_attempts.c
    query = (
        select(f.id, f.probability, f.for_date, a.at, a.approved)
        .join(recovery_attempts, and_(a.case_id == f.case_id, a.state == "done", a.at >= f.made_at))
        .order_by(f.id.desc(), a.at)
        .limit(CALIBRATION_ROWS * 4)
    )
    seen: dict[int, tuple[float, bool]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            if row.id in seen:
                continue
            limit = date.fromisoformat(row.for_date) + timedelta(days=OUTCOME_DAYS)
            if row.at.date() <= limit:
                seen[row.id] = (row.probability, bool(row.approved))
    return list(seen.values())[:CALIBRATION_ROWS]


def record_forecasts(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Keep today's forecast per case (the first one made today stands)."""
    if not rows:
        return
    with engine.begin() as connection:
        known = {
            (r.case_id, r.made_on)
            for r in connection.execute(
                select(recovery_forecasts.c.case_id, recovery_forecasts.c.made_on).where(
                    recovery_forecasts.c.case_id.in_([r["case_id"] for r in rows]),
                    recovery_forecasts.c.made_on == rows[0]["made_on"],
                )
            )
        }
        new = [r for r in rows if (r["case_id"], r["made_on"]) not in known]
        if new:
            try:
                with connection.begin_nested():
                    connection.execute(recovery_forecasts.insert(), new)
            except IntegrityError:
                pass  # a concurrent view recorded today's forecast first: it stands


def _dicts(connection: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in connection.execute(query)]
