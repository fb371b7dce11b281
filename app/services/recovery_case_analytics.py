"""Recovery analytics for billing managers: recovery rate, recovered amount, time to recover
and attempts per recovery by segment, reminder channel and decline category, and when charges
succeed (consumer-local hour of day against day of month). Reuses the payment-method
analytics' reading of cases (app/services/recovery_analytics.case_facts)."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, select

from app.db.recovery_tables import recovery_attempts, recovery_cases, recovery_consumers
from app.domain.money import decimal_text
from app.domain.table_report import Column, TableReport
from app.recovery.analytics.metrics import CaseFacts
from app.services.recovery_analytics import case_facts, day_span

DIMENSIONS = ("segment", "channel", "category")
DIMENSION_TEXT = {"segment": "Segment", "channel": "Reminder channel",
                  "category": "Decline category"}  # fmt: skip
NO_MESSAGE = "no reminder"


@dataclass(frozen=True)
class RecoveryGroup:
    key: str
    cases: int
    recovered: int
    recovery_rate: float | None  # 0-1
    recovered_minor: tuple[tuple[str, int], ...]  # (currency, amount) pairs, by currency
    avg_days_to_recover: float | None
    attempts_per_recovery: float | None
    case_ids: tuple[str, ...]  # for the drill-down to the cases
    # What discount offers forgave on these cases once their price was paid, by currency.
    written_off_minor: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CaseAnalytics:
    date_from: date
    date_to: date
    groups: dict[str, list[RecoveryGroup]]  # by dimension; the last group is the total "all"
    attempts: list[list[int]]  # [day of month - 1][hour]: charges answered by the gateway
    approved: list[list[int]]  # [day of month - 1][hour]: of which approved
    synced: bool = False  # computed from the counter's copy of the server's cases
    as_of: datetime | None = None  # the copy's newest publication
    offline_gaps: str = ""  # what the copy could not say, in words

    @property
    def empty(self) -> bool:
        return self.groups["segment"][-1].cases == 0


def case_analytics(engine: Engine, date_from: date, date_to: date) -> CaseAnalytics:
    """Cases that failed in the period (inclusive days, UTC) and their attempts."""
    start, end = day_span(date_from, date_to)
    c, a, k = recovery_cases.c, recovery_attempts.c, recovery_consumers.c
    with engine.connect() as connection:
        facts = case_facts(connection, start, end)
        cases = {
            row.id: row
            for row in connection.execute(
                select(
                    c.id,
                    c.category,
                    c.currency,
                    c.recovered_minor,
                    c.consumer_id,
                    c.written_off_minor,
                ).where(c.failed_at >= start, c.failed_at < end)
            )
        }
        zones: dict[str, str | None] = {
            row.id: row.timezone for row in connection.execute(select(k.id, k.timezone))
        }
        charges = connection.execute(
            select(a.case_id, a.at, a.approved)
            .join(recovery_cases, recovery_cases.c.id == a.case_id)
            .where(c.failed_at >= start, c.failed_at < end)
            .where(a.state == "done", a.approved.is_not(None))
        ).all()
    keys = {
        "segment": lambda f: f.segment,
        "channel": lambda f: channel_of(f),
        "category": lambda f: cases[f.case_id].category or "unknown",
    }
    groups = {dim: group_facts(facts, cases, key) for dim, key in keys.items()}
    attempts = [[0] * 24 for _ in range(31)]
    approved = [[0] * 24 for _ in range(31)]
    for case_id, at, ok in charges:
        consumer = cases[case_id].consumer_id if case_id in cases else ""
        local = at.astimezone(_zone(zones.get(consumer, "")))
        attempts[local.day - 1][local.hour] += 1
        approved[local.day - 1][local.hour] += bool(ok)
    return CaseAnalytics(date_from, date_to, groups, attempts, approved)


def channel_of(fact: CaseFacts) -> str:
    """The channel most of the case's accepted reminders went by."""
    if not fact.messages:
        return NO_MESSAGE
    return max(fact.messages, key=lambda pair: (pair[1], pair[0]))[0]


def group_facts(facts: list[CaseFacts], cases: dict, key) -> list[RecoveryGroup]:  # noqa: ANN001
    """One group per key (the largest first), then the total "all"."""
    by_key: dict[str, list[CaseFacts]] = defaultdict(list)
    for fact in facts:
        by_key[key(fact)].append(fact)
    ordered = sorted(by_key.items(), key=lambda item: (-len(item[1]), item[0]))
    return [_group(name, members, cases) for name, members in ordered] + [
        _group("all", facts, cases)
    ]


def _group(name: str, members: list[CaseFacts], cases: dict) -> RecoveryGroup:
    recovered = [f for f in members if f.recovered]
    amounts: Counter[str] = Counter()
    forgiven: Counter[str] = Counter()
    for fact in members:
        row = cases.get(fact.case_id)
        if row is not None and row.recovered_minor:
            amounts[row.currency] += row.recovered_minor
        # Rows without the column (the counter's analytics facts) read as nothing written off.
        written_off = getattr(row, "written_off_minor", None) or 0
        if row is not None and written_off:
            forgiven[row.currency] += written_off
    timed = [
        (f.recovered_at - f.failed_at).total_seconds() / 86400
        for f in recovered
        if f.recovered_at is not None
    ]
    return RecoveryGroup(
        key=name,
        cases=len(members),
        recovered=len(recovered),
        recovery_rate=len(recovered) / len(members) if members else None,
        recovered_minor=tuple(sorted(amounts.items())),
        avg_days_to_recover=sum(timed) / len(timed) if timed else None,
        attempts_per_recovery=sum(f.retries for f in recovered) / len(recovered)
        if recovered
        else None,
        case_ids=tuple(f.case_id for f in members),
        written_off_minor=tuple(sorted(forgiven.items())),
    )


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def amounts_text(pairs: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{decimal_text(minor, cur)} {cur}" for cur, minor in pairs) or "0"


def case_analytics_table(
    report: CaseAnalytics, currency: str, locale: str, timezone: str, now: datetime
) -> TableReport:
    """Every dimension's groups, one row each, for the CSV / XLSX / PDF export."""
    columns = tuple(
        Column(title)
        for title in ("Dimension", "Group", "Cases", "Recovered", "Recovery rate",
                      "Recovered amount", "Written off", "Average days to recover",
                      "Attempts per recovery")
    )  # fmt: skip
    rows = []
    for dimension in DIMENSIONS:
        for g in report.groups[dimension]:
            rows.append((
                dimension, g.key, str(g.cases), str(g.recovered),
                "" if g.recovery_rate is None else f"{100 * g.recovery_rate:.1f} %",
                amounts_text(g.recovered_minor), amounts_text(g.written_off_minor),
                "" if g.avg_days_to_recover is None else f"{g.avg_days_to_recover:.1f}",
                "" if g.attempts_per_recovery is None else f"{g.attempts_per_recovery:.2f}",
            ))  # fmt: skip
    return TableReport(
        title="Recovery analytics",
        filters=f"Cases failed {report.date_from} to {report.date_to}",
        columns=columns,
        rows=tuple(rows),
        currency=currency,
        locale=locale,
        timezone=timezone,
        generated_at=now,
    )
