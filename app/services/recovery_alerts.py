"""Alerts on payment-method metrics: rules, and evaluating them now (raise, escalate, clear).

Each evaluation reads the last complete days (volume is reported per day), steps every alert
through the hysteresis in app/recovery/analytics/alerts.py and, in the same transaction,
records the transition and publishes the outgoing webhook event (alert.raised / alert.cleared).
After the commit the notifiers (the seam for sending supervisors a message through the dunning
channels) get one notice per transition.

When to run it: `tilldesk recovery alerts check` from a scheduler, or the recovery service loop
every few minutes; evaluating twice on the same data changes nothing but the clear streak.
"""

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select, text, update

from app.db.recovery_tables_alerts import (
    recovery_alert_rules,
    recovery_alerts,
)
from app.domain.errors import UserFacingError
from app.recovery.analytics.alerts import (
    RECOVERY_MATURITY_DAYS,
    AlertState,
    Level,
    Reading,
    Rule,
    Transition,
    merged_rules,
    read,
    rule_for,
    step,
)
from app.recovery.analytics.anomaly import AnomalyRule, Day, failure_jump
from app.recovery.analytics.metrics import CaseFacts, ChargeVolume
from app.services.outgoing_webhooks import publish_event

# Reading alerts (list, history, acknowledge) lives in recovery_alert_views; its names stay
# importable from here, where the alerts area's callers look for them.
from app.services.recovery_alert_views import (
    METRIC_TEXT,
    AlertEventView,
    AlertView,
    acknowledge,
    alert_history,
    open_alert_count,
    open_alerts,
    record_event,
    shown,
    view_of,
)
from app.services.recovery_analytics import case_facts, charge_volumes, day_span

__all__ = [
    "METRIC_TEXT", "AlertChange", "AlertEventView", "AlertView", "Notifier", "acknowledge",
    "alert_history", "configured_rules", "evaluate", "open_alert_count", "open_alerts",
    "save_rule", "shown",
]  # fmt: skip
log = logging.getLogger(__name__)
DEFAULT_ANOMALY = AnomalyRule()
WEBHOOK_KIND = {
    Transition.RAISED: "alert.raised",
    Transition.ESCALATED: "alert.raised",  # raised again, now critical
    Transition.CLEARED: "alert.cleared",
}


@dataclass(frozen=True)
class AlertChange:
    """One transition of one evaluation: what a supervisor is told."""

    transition: Transition
    alert: AlertView


Notifier = Callable[[AlertChange], None]


def configured_rules(connection: Connection) -> list[Rule]:
    rows = connection.execute(select(recovery_alert_rules)).all()
    return merged_rules([Rule(**row._asdict()) for row in rows])


def save_rule(engine: Engine, rule: Rule) -> None:
    """Replace the thresholds of one metric for one method ('*': every method)."""
    if rule.metric not in ("failure_rate", "recovery_rate"):
        raise UserFacingError(f"There are no thresholds for {rule.metric!r}.")
    for name in ("warning", "critical", "clear_margin"):
        if not 0 <= getattr(rule, name) <= 1:
            raise UserFacingError(f"The {name.replace('_', ' ')} is a rate between 0 and 1.")
    if rule.min_sample < 1 or rule.window_days < 1 or rule.clear_after < 1:
        raise UserFacingError("Sample, window and clear-after must each be at least 1.")
    t = recovery_alert_rules
    with engine.begin() as connection:
        connection.execute(t.delete().where(t.c.metric == rule.metric, t.c.scope == rule.scope))
        connection.execute(t.insert().values(**rule.__dict__))


def evaluate(
    engine: Engine,
    now: datetime,
    notifiers: Sequence[Notifier] = (),
    anomaly: AnomalyRule = DEFAULT_ANOMALY,
) -> list[AlertChange]:
    """Evaluate every rule now; returns (and announces) what was raised, escalated, cleared."""
    today = now.astimezone(UTC).date()
    with engine.begin() as connection:
        _one_evaluation_at_a_time(connection)
        rules = configured_rules(connection)
        longest = max([r.window_days for r in rules] + [anomaly.history_days + 1])
        first = today - timedelta(days=longest + RECOVERY_MATURITY_DAYS)
        cases = case_facts(connection, *day_span(first, today - timedelta(days=1)))
        volumes = charge_volumes(connection, first, today - timedelta(days=1))
        readings = _method_readings(rules, cases, volumes, today)
        readings += _gateway_jumps(anomaly, cases, volumes, today)
        changes = _apply(connection, readings, now)
    for change in changes:
        for notify in notifiers:
            try:
                notify(change)
            except Exception:  # one channel down must not keep the others from telling
                log.exception("alert notifier %r failed for alert %s", notify, change.alert.id)
    return changes


def _one_evaluation_at_a_time(connection: Connection) -> None:
    """Several recovery workers may evaluate at once: on PostgreSQL they take turns (held to
    the commit), so two never raise the same alert. SQLite's BEGIN IMMEDIATE already does."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('tilldesk.alerts'))"))


@dataclass(frozen=True)
class _Scoped:
    metric: str
    scope_kind: str
    scope: str
    reading: Reading
    threshold_for: Callable[[Level], float | None]
    clear_after: int


def _always(threshold: float) -> Callable[[Level], float | None]:
    """An anomaly's threshold: the gateway's own baseline, whatever the level."""
    return lambda level: threshold


def _days(window: int, last: date) -> tuple[date, date]:
    return last - timedelta(days=window - 1), last


def _method_readings(
    rules: list[Rule], cases: list[CaseFacts], volumes: list[ChargeVolume], today: date
) -> list[_Scoped]:
    methods = sorted({c.method for c in cases} | {v.method for v in volumes})
    found = []
    for method in methods:
        own = [c for c in cases if c.method == method]
        if rule := rule_for("failure_rate", method, rules):
            first, last = _days(rule.window_days, today - timedelta(days=1))
            failed = sum(1 for c in own if first <= c.failed_at.date() <= last)
            charges = sum(
                v.charges for v in volumes if v.method == method and first <= v.day <= last
            )
            value = failed / charges if charges else None
            found.append(_scoped("failure_rate", method, read(rule, value, charges), rule))
        if rule := rule_for("recovery_rate", method, rules):
            end = today - timedelta(days=RECOVERY_MATURITY_DAYS + 1)
            first, last = _days(rule.window_days, end)
            judged = [c for c in own if first <= c.failed_at.date() <= last]
            value = sum(c.recovered for c in judged) / len(judged) if judged else None
            found.append(_scoped("recovery_rate", method, read(rule, value, len(judged)), rule))
    return found


def _scoped(metric: str, method: str, reading: Reading, rule: Rule) -> _Scoped:
    return _Scoped(metric, "method", method, reading, rule.threshold_for, rule.clear_after)


def _gateway_jumps(
    rule: AnomalyRule, cases: list[CaseFacts], volumes: list[ChargeVolume], today: date
) -> list[_Scoped]:
    found = []
    latest = today - timedelta(days=1)
    for gateway in sorted({c.gateway for c in cases} | {v.gateway for v in volumes}):
        days = _gateway_days(gateway, cases, volumes)
        history = [
            days.get(latest - timedelta(days=n), Day(0, None))
            for n in range(1, rule.history_days + 1)
        ]
        jump = failure_jump(days.get(latest, Day(0, None)), history, rule)
        baseline = jump.baseline
        found.append(
            _Scoped(
                "failure_burst" if jump.counted else "failure_anomaly",
                "gateway",
                gateway,
                jump.reading,
                _always(baseline),
                rule.clear_after,
            )
        )
    return found


def _gateway_days(
    gateway: str, cases: list[CaseFacts], volumes: list[ChargeVolume]
) -> dict[date, Day]:
    """Failures and (where reported) charges of one gateway, per day."""
    failures: dict[date, int] = defaultdict(int)
    for case in cases:
        if case.gateway == gateway:
            failures[case.failed_at.date()] += 1
    charges: dict[date, int] = defaultdict(int)
    for volume in volumes:
        if volume.gateway == gateway:
            charges[volume.day] += volume.charges
    return {
        day: Day(failures.get(day, 0), charges.get(day)) for day in set(failures) | set(charges)
    }


def _apply(connection: Connection, readings: list[_Scoped], now: datetime) -> list[AlertChange]:
    a = recovery_alerts.c
    open_rows = {
        row.open_key: row
        for row in connection.execute(select(recovery_alerts).where(a.open_key.is_not(None)))
    }
    changes = []
    for scoped in readings:
        key = f"{scoped.metric}|{scoped.scope_kind}|{scoped.scope}"
        row = open_rows.get(key)
        state = AlertState(Level[row.level.upper()], row.clear_streak) if row else AlertState()
        new, transition = step(state, scoped.reading, scoped.clear_after)
        reading = scoped.reading
        if transition is Transition.RAISED:
            alert_id = str(uuid.uuid4())
            connection.execute(
                recovery_alerts.insert().values(
                    id=alert_id, open_key=key, metric=scoped.metric,
                    scope_kind=scoped.scope_kind, scope=scoped.scope, level=new.level.label,
                    value=reading.value, threshold=scoped.threshold_for(new.level),
                    sample=reading.sample, clear_streak=0, raised_at=now, evaluated_at=now,
                )
            )  # fmt: skip
        elif row is not None:
            alert_id = row.id
            values: dict[str, Any] = {"clear_streak": new.clear_streak, "evaluated_at": now}
            if reading.enough:
                values.update(value=reading.value, sample=reading.sample)
            if transition is Transition.ESCALATED:
                values.update(
                    level=new.level.label,
                    escalated_at=now,
                    threshold=scoped.threshold_for(new.level),
                )
            elif transition is Transition.CLEARED:
                values.update(open_key=None, cleared_at=now)
            connection.execute(update(recovery_alerts).where(a.id == alert_id).values(**values))
        if transition is None:
            continue
        alert = view_of(connection.execute(select(recovery_alerts).where(a.id == alert_id)).one())
        level = alert.level if transition is Transition.CLEARED else new.level.label
        record_event(connection, alert, transition.value, level, now)
        publish_event(
            connection, WEBHOOK_KIND[transition], _payload(alert, transition, now), now=now
        )
        changes.append(AlertChange(transition, alert))
    return changes


def _payload(alert: AlertView, transition: Transition, at: datetime) -> dict[str, Any]:
    return {
        "alert_id": alert.id,
        "transition": transition.value,
        "metric": alert.metric,
        "scope_kind": alert.scope_kind,
        "scope": alert.scope,
        "level": alert.level,
        "value": alert.value,
        "threshold": alert.threshold,
        "sample": alert.sample,
        "text": alert.text,
        "at": at.isoformat(),
    }
