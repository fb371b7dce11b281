"""Segments of a case with why, and the segment configurations: versioned, audited, editable."""

from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from app.db.recovery_tables import recovery_cases
from app.db.recovery_tables_smart_collect import recovery_segment_configs
from app.domain.errors import UserFacingError
from app.recovery.smart_collect.behaviour import PaymentBehaviour
from app.recovery.smart_collect.segments import (
    DEFAULT_CONFIGS,
    VALUE_BANDS,
    Segment,
    SegmentFacts,
    classify,
    validated,
    value_band,
)
from app.recovery.smart_collect.signals import RiskSignal, Severity
from app.services.smart_collect_data import ConsumerRows

MEDIAN_SAMPLE = 10_000


@dataclass(frozen=True)
class SegmentConfig:
    segment: str
    version: int  # 0: the built-in default, never changed
    settings: dict[str, Any]
    changed_by: str
    changed_at: datetime | None


@dataclass(frozen=True)
class ConfigChange:
    segment: str
    version: int
    changes: dict[str, list[Any]]  # field: [old, new]
    changed_by: str
    changed_at: datetime
    note: str


def case_segments(
    engine: Engine,
    rows: ConsumerRows,
    case: dict[str, Any],
    signals: list[RiskSignal],
    behaviour: PaymentBehaviour,
    medians: dict[Any, Any] | None = None,
) -> list[Segment]:
    """The case's segments, each with why (value, history, product, method, risk, VIP).
    `medians` keeps each currency's median for the next case of the same load."""
    earlier = [c for c in rows.cases if c["failed_at"] < case["failed_at"]]
    paid = [c for c in rows.cases if c["status"] in ("paid", "at_counter")]
    high_paid = sum(1 for c in paid if value_band(c["amount_minor"], c["currency"], 0)[0] == "high")
    facts = SegmentFacts(
        amount_minor=case["amount_minor"],
        currency=case["currency"],
        product=case["product"],
        method=case["method"],
        vip_flag=bool(rows.consumer.get("vip")),
        earlier_cases=len(earlier),
        paid_cases=len(paid),
        high_value_paid=high_paid,
        punctuality=behaviour.punctuality,
        bills=behaviour.bills,
        high_signals=tuple(s.signal_type for s in signals if s.severity is Severity.HIGH),
        medium_signals=tuple(s.signal_type for s in signals if s.severity is Severity.MEDIUM),
        currency_median_minor=0
        if case["currency"] in VALUE_BANDS
        else _median(engine, case["currency"], {} if medians is None else medians),
    )
    return classify(facts)


def _median(engine: Engine, currency: str, medians: dict[Any, Any]) -> int:
    if ("median", currency) not in medians:
        medians[("median", currency)] = currency_median(engine, currency)
    return int(medians[("median", currency)])


def currency_median(engine: Engine, currency: str) -> int:
    with engine.connect() as connection:
        amounts = connection.execute(
            select(recovery_cases.c.amount_minor)
            .where(recovery_cases.c.currency == currency)
            .order_by(recovery_cases.c.failed_at.desc())
            .limit(MEDIAN_SAMPLE)
        ).scalars()
        found = list(amounts)
    return int(median(found)) if found else 0


def current_configs(engine: Engine) -> dict[str, SegmentConfig]:
    """Each segment's configuration in force: its latest version, else the built-in default."""
    with engine.connect() as connection:
        return _configs(connection)


def _configs(connection: Connection) -> dict[str, SegmentConfig]:
    c = recovery_segment_configs.c
    latest = select(c.segment, func.max(c.version).label("version")).group_by(c.segment).subquery()
    query = select(recovery_segment_configs).join(
        latest, (c.segment == latest.c.segment) & (c.version == latest.c.version)
    )
    stored = {r.segment: r for r in connection.execute(query)}
    configs = {}
    for name, default in DEFAULT_CONFIGS.items():
        row = stored.get(name)
        configs[name] = (
            SegmentConfig(name, row.version, dict(row.settings), row.changed_by, row.changed_at)
            if row is not None
            else SegmentConfig(name, 0, dict(default), "built-in", None)
        )
    return configs


def set_config(
    engine: Engine, segment: str, changes: dict[str, Any], by: str, now: datetime, note: str = ""
) -> SegmentConfig:
    """A new version of the segment's configuration; nothing is written when it is invalid
    or changes nothing."""
    if not by.strip():
        raise UserFacingError("Say who changes the configuration (--user).")
    with engine.begin() as connection:
        new = validated(segment, changes)  # an unknown segment or setting stops here
        current = _configs(connection)[segment]
        new = validated(segment, {**current.settings, **changes})
        diff = {
            k: [current.settings.get(k), v] for k, v in new.items() if current.settings.get(k) != v
        }
        if not diff:
            raise UserFacingError(f"Nothing changes in the {segment} configuration.")
        version = current.version + 1
        connection.execute(
            recovery_segment_configs.insert().values(
                segment=segment, version=version, settings=new, changes=diff,
                changed_by=by.strip(), changed_at=now, note=note,
            )
        )  # fmt: skip
    return SegmentConfig(segment, version, new, by.strip(), now)


def config_history(engine: Engine, segment: str | None = None) -> list[ConfigChange]:
    c = recovery_segment_configs.c
    query = select(recovery_segment_configs).order_by(c.segment, c.version)
    if segment is not None:
        query = query.where(c.segment == segment)
    with engine.connect() as connection:
        return [
            ConfigChange(r.segment, r.version, r.changes, r.changed_by, r.changed_at, r.note)
            for r in connection.execute(query)
        ]


def parse_settings(segment: str, pairs: list[str]) -> dict[str, Any]:
    """KEY=VALUE texts typed by the type of the default (lists are comma-separated)."""
    if segment not in DEFAULT_CONFIGS:
        raise UserFacingError(f"Unknown segment {segment!r}: choose {', '.join(DEFAULT_CONFIGS)}.")
    defaults = DEFAULT_CONFIGS[segment]
    parsed: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or key not in defaults:
            raise UserFacingError(
                f"{pair!r}: write KEY=VALUE with KEY one of {', '.join(defaults)}."
            )
        kind = type(defaults[key])
        try:
            if kind is list:
                parsed[key] = [v.strip() for v in text.split(",") if v.strip()]
            elif kind is int:
                parsed[key] = int(text)
            elif kind is float:
                parsed[key] = float(text)
            else:
                parsed[key] = text.strip()
        except ValueError:
            raise UserFacingError(f"{key}: {text!r} is not a {kind.__name__}.") from None
    return parsed
