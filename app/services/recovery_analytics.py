"""Payment-method analytics over the recovery database: per method, gateway, segment, category.

The pure definitions are in app/recovery/analytics/metrics.py; this module reads the cases,
their attempts, messages and events, the gateways' charge volume and the cost rates.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, case, func, select

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_events,
    recovery_messages,
)
from app.db.recovery_tables_alerts import recovery_charge_volumes, recovery_cost_rates
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text
from app.domain.table_report import Column, TableReport
from app.recovery.analytics.categories import METHODS, classify_case
from app.recovery.analytics.metrics import (
    DIMENSIONS,
    CaseFacts,
    ChargeVolume,
    CostRates,
    GroupMetrics,
    metrics_by,
)
from app.recovery.code_tables import DeclineCodes, load_decline_codes

COST_KINDS = ("attempt", "message")
DEFAULT_PERIOD_DAYS = 30


@dataclass(frozen=True)
class AnalyticsReport:
    by: str
    date_from: date
    date_to: date  # inclusive
    rows: list[GroupMetrics]  # the last row is the total ("all")
    volume_known: bool  # any charge volume recorded in the period


@cache
def _codes() -> DeclineCodes:
    return load_decline_codes()


def day_span(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[from 00:00 UTC, the day after `to` 00:00 UTC)."""
    if date_to < date_from:
        raise UserFacingError(f"The period ends ({date_to}) before it starts ({date_from}).")
    start = datetime.combine(date_from, time(), UTC)
    return start, datetime.combine(date_to + timedelta(days=1), time(), UTC)


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def analytics(
    engine: Engine, by: str, date_from: date, date_to: date, rates: CostRates | None = None
) -> AnalyticsReport:
    if by not in DIMENSIONS:
        raise UserFacingError(f"Group by one of {', '.join(DIMENSIONS)}, not {by!r}.")
    start, end = day_span(date_from, date_to)
    with engine.connect() as connection:
        cases = case_facts(connection, start, end)
        volumes = charge_volumes(connection, date_from, date_to)
        rates = rates or cost_rates(connection)
    rows = metrics_by(by, cases, volumes, rates)
    return AnalyticsReport(by, date_from, date_to, rows, bool(volumes))


def case_facts(connection: Connection, start: datetime, end: datetime) -> list[CaseFacts]:
    """Every case that failed in [start, end), with its retries, messages and events."""
    c = recovery_cases.c
    in_period = and_(c.failed_at >= start, c.failed_at < end)
    rows = connection.execute(
        select(
            c.id, c.consumer_id, c.method, c.card_type, c.gateway, c.card_network, c.code,
            c.segment, c.failed_at, c.status, c.amount_minor, c.recovered_minor,
        ).where(in_period).order_by(c.failed_at, c.id)
    ).all()  # fmt: skip
    attempts = _attempt_totals(connection, in_period)
    messages = _accepted_messages(connection, in_period)
    events = _events(connection, in_period)
    facts = []
    for row in rows:
        method, category = classify_case(
            _codes(), method=row.method, card_type=row.card_type, gateway=row.gateway,
            network=row.card_network, code=row.code,
        )  # fmt: skip
        answered, declined, approved_at = attempts.get(row.id, (0, 0, None))
        own = events.get(row.id, {})
        recovered = row.status == "paid" or row.recovered_minor >= row.amount_minor
        facts.append(
            CaseFacts(
                case_id=row.id,
                consumer_id=row.consumer_id,
                method=method,
                gateway=row.gateway,
                segment=row.segment,
                category=category,
                failed_at=row.failed_at,
                recovered=recovered,
                recovered_at=(approved_at or own.get("paid")) if recovered else None,
                stopped=row.status == "stopped",
                opted_out="opted_out" in own,
                retries=answered,
                retry_declines=declined,
                messages=tuple(sorted(messages.get(row.id, {}).items())),
                satisfied=own.get("satisfaction"),
            )
        )
    return facts


def _attempt_totals(
    connection: Connection, in_period: ColumnElement[bool]
) -> dict[str, tuple[int, int, datetime | None]]:
    a = recovery_attempts.c
    answered = and_(a.state == "done", a.approved.is_not(None))
    query = (
        select(
            a.case_id,
            func.sum(case((answered, 1), else_=0)),
            func.sum(case((and_(answered, a.approved.is_(False)), 1), else_=0)),
            func.max(case((a.approved.is_(True), a.at), else_=None)),
        )
        .join(recovery_cases, recovery_cases.c.id == a.case_id)
        .where(in_period)
        .group_by(a.case_id)
    )
    totals: dict[str, tuple[int, int, datetime | None]] = {}
    for case_id, count, declined, approved_at in connection.execute(query):
        # max() over a TypeDecorator column comes back raw on SQLite: make it aware UTC.
        at = _aware(approved_at)
        totals[case_id] = (int(count or 0), int(declined or 0), at)
    return totals


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _accepted_messages(
    connection: Connection, in_period: ColumnElement[bool]
) -> dict[str, dict[str, int]]:
    m = recovery_messages.c
    query = (
        select(m.case_id, m.channel, func.count())
        .join(recovery_cases, recovery_cases.c.id == m.case_id)
        .where(in_period, m.accepted.is_(True))
        .group_by(m.case_id, m.channel)
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for case_id, channel, count in connection.execute(query):
        counts[case_id][channel] = int(count)
    return counts


def _events(connection: Connection, in_period: ColumnElement[bool]) -> dict[str, dict[str, Any]]:
    """Per case: when it was paid, whether the consumer opted out, their last satisfaction."""
    e = recovery_events.c
    query = (
        select(e.case_id, e.type, e.at, e.detail)
        .join(recovery_cases, recovery_cases.c.id == e.case_id)
        .where(in_period, e.type.in_(("paid", "opted_out", "satisfaction")))
        .order_by(e.at, e.id)
    )
    found: dict[str, dict[str, object]] = defaultdict(dict)
    for case_id, kind, at, detail in connection.execute(query):
        if kind == "paid":
            found[case_id].setdefault("paid", at)
        elif kind == "opted_out":
            found[case_id]["opted_out"] = True
        elif isinstance(detail, dict) and isinstance(detail.get("satisfied"), bool):
            found[case_id]["satisfaction"] = detail["satisfied"]
    return found


def charge_volumes(connection: Connection, date_from: date, date_to: date) -> list[ChargeVolume]:
    v = recovery_charge_volumes.c
    rows = connection.execute(
        select(v.day, v.method, v.gateway, v.charges).where(
            v.day >= date_from.isoformat(), v.day <= date_to.isoformat()
        )
    )
    return [ChargeVolume(date.fromisoformat(d), m, g, int(n)) for d, m, g, n in rows]


def record_charge_volume(
    engine: Engine, day: date, method: str, gateway: str, charges: int
) -> None:
    """The gateways' total of first charges on `day` (replaces what was recorded before)."""
    if method not in METHODS:
        raise UserFacingError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")
    if charges < 0:
        raise UserFacingError("The number of charges cannot be negative.")
    v = recovery_charge_volumes
    key = and_(v.c.day == day.isoformat(), v.c.method == method, v.c.gateway == gateway)
    with engine.begin() as connection:
        connection.execute(v.delete().where(key))
        connection.execute(
            v.insert().values(day=day.isoformat(), method=method, gateway=gateway, charges=charges)
        )


def cost_rates(connection: Connection) -> CostRates:
    rows = connection.execute(select(recovery_cost_rates)).all()
    attempts = {r.key: int(r.cost_minor) for r in rows if r.kind == "attempt" and r.key != "*"}
    messages = {r.key: int(r.cost_minor) for r in rows if r.kind == "message" and r.key != "*"}
    defaults = {r.kind: int(r.cost_minor) for r in rows if r.key == "*"}
    return CostRates(attempts, messages, defaults.get("attempt", 0), defaults.get("message", 0))


def set_cost_rate(engine: Engine, kind: str, key: str, cost_minor: int, note: str = "") -> None:
    """What one retry through gateway `key` (kind attempt) or one message on channel `key`
    (kind message) costs; key '*' sets the kind's default."""
    if kind not in COST_KINDS:
        raise UserFacingError(f"A cost is for an 'attempt' or a 'message', not {kind!r}.")
    if cost_minor < 0:
        raise UserFacingError("A cost cannot be negative.")
    r = recovery_cost_rates
    with engine.begin() as connection:
        connection.execute(r.delete().where(r.c.kind == kind, r.c.key == key))
        connection.execute(
            r.insert().values(kind=kind, key=key, cost_minor=cost_minor, note=note or None)
        )


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f} %"


def analytics_table(
    report: AnalyticsReport, currency: str, locale: str, timezone: str, now: datetime
) -> TableReport:
    """The report as a list to export (CSV, XLSX, PDF); costs in the deployment currency.

    Costs are text columns: a money column would get a Total line, which the "all" row
    already is.
    """

    def cost(minor: int | None) -> str:
        return "" if minor is None else decimal_text(minor, currency)

    columns = (
        Column(report.by.capitalize()), Column("Failed"), Column("Charges"),
        Column("Failure rate"), Column("Recovered"), Column("Recovery rate"),
        Column("Avg recovery days"), Column("Retries"), Column("Retry decline rate"),
        Column(f"Recovery cost ({currency})"), Column(f"Cost per recovery ({currency})"),
        Column("Consumers"), Column("Churned"), Column("Churn rate"), Column("Satisfaction"),
    )  # fmt: skip
    rows = tuple(
        (
            r.key, str(r.failed), "" if r.charges is None else str(r.charges),
            percent(r.failure_rate), str(r.recovered), percent(r.recovery_rate),
            "" if r.avg_recovery_days is None else f"{r.avg_recovery_days:.1f}",
            str(r.retries), percent(r.retry_decline_rate), cost(r.recovery_cost_minor),
            cost(r.cost_per_recovery_minor), str(r.consumers), str(r.churned),
            percent(r.churn_rate), percent(r.satisfaction_rate),
        )
        for r in report.rows
    )  # fmt: skip
    return TableReport(
        title="Payment-method analytics",
        filters=f"By {report.by} · {report.date_from} to {report.date_to}",
        columns=columns,
        rows=rows,
        currency=currency,
        locale=locale,
        timezone=timezone,
        generated_at=now,
    )
