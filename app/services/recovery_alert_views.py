"""Alerts as people read them: open alerts, their history, acknowledgement by a supervisor."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from app.db.recovery_tables_alerts import recovery_alert_events, recovery_alerts
from app.domain.errors import UserFacingError

METRIC_TEXT = {
    "failure_rate": "Failure rate",
    "recovery_rate": "Recovery rate",
    "failure_anomaly": "Failure-rate jump",  # against the gateway's own trailing days
    "failure_burst": "Failure burst",  # the same on daily counts, where volume is unknown
}


@dataclass(frozen=True)
class AlertView:
    id: str
    metric: str
    scope_kind: str
    scope: str
    level: str
    value: float | None
    threshold: float | None
    sample: int
    raised_at: datetime
    escalated_at: datetime | None
    cleared_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None

    @property
    def text(self) -> str:
        """'Failure rate of credit_card 12.0 % (critical at 10.0 %, 250 charges)'."""
        what = f"{METRIC_TEXT.get(self.metric, self.metric)} of {self.scope}"
        if self.metric in ("failure_anomaly", "failure_burst"):
            usual = shown(self.metric, self.threshold)
            return f"{what}: {shown(self.metric, self.value)} yesterday, usually {usual}"
        limit = f"{self.level} at {shown(self.metric, self.threshold)}"
        return f"{what} {shown(self.metric, self.value)} ({limit}, sample {self.sample})"


@dataclass(frozen=True)
class AlertEventView:
    alert_id: str
    at: datetime
    kind: str
    level: str
    metric: str
    scope: str
    value: float | None
    threshold: float | None
    sample: int
    detail: dict[str, Any] | None


def shown(metric: str, value: float | None) -> str:
    """A metric's value as people read it: rates in percent, bursts in failures a day."""
    if value is None:
        return "-"
    return f"{value:.1f} a day" if metric == "failure_burst" else f"{value * 100:.1f} %"


def record_event(
    connection: Connection, alert: AlertView, kind: str, level: str, at: datetime
) -> None:
    connection.execute(
        recovery_alert_events.insert().values(
            alert_id=alert.id, at=at, kind=kind, level=level, value=alert.value,
            threshold=alert.threshold, sample=alert.sample,
            detail={"metric": alert.metric, "scope": alert.scope, "text": alert.text},
        )
    )  # fmt: skip


def view_of(row: Any) -> AlertView:
    return AlertView(
        id=row.id, metric=row.metric, scope_kind=row.scope_kind, scope=row.scope,
        level=row.level, value=row.value, threshold=row.threshold, sample=row.sample,
        raised_at=row.raised_at, escalated_at=row.escalated_at, cleared_at=row.cleared_at,
        acknowledged_by=row.acknowledged_by, acknowledged_at=row.acknowledged_at,
    )  # fmt: skip


def open_alerts(engine: Engine) -> list[AlertView]:
    """Open alerts, critical first, then the newest."""
    a = recovery_alerts.c
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_alerts).where(a.open_key.is_not(None)))
        alerts = [view_of(row) for row in rows]
    return sorted(alerts, key=lambda v: (v.level != "critical", -v.raised_at.timestamp()))


def open_alert_count(engine: Engine) -> int:
    query = select(func.count()).where(recovery_alerts.c.open_key.is_not(None))
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def alert_history(engine: Engine, limit: int = 200) -> list[AlertEventView]:
    e, a = recovery_alert_events.c, recovery_alerts.c
    query = (
        select(recovery_alert_events, a.metric, a.scope)
        .join(recovery_alerts, a.id == e.alert_id)
        .order_by(e.at.desc(), e.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [
            AlertEventView(
                r.alert_id, r.at, r.kind, r.level, r.metric, r.scope, r.value, r.threshold,
                r.sample, r.detail,
            )
            for r in connection.execute(query)
        ]  # fmt: skip


def acknowledge(engine: Engine, alert_id: str, who: str, now: datetime) -> AlertView:
    """A supervisor says they have seen an open alert; it stays open until it clears."""
    a = recovery_alerts.c
    with engine.begin() as connection:
        row = connection.execute(select(recovery_alerts).where(a.id == alert_id)).first()
        if row is None:
            raise UserFacingError(f"There is no alert {alert_id}.")
        if row.open_key is None:
            raise UserFacingError(f"Alert {alert_id} has already cleared.")
        if row.acknowledged_by:
            raise UserFacingError(
                f"Alert {alert_id} was already acknowledged by {row.acknowledged_by}."
            )
        connection.execute(
            update(recovery_alerts)
            .where(a.id == alert_id)
            .values(acknowledged_by=who, acknowledged_at=now)
        )
        alert = view_of(connection.execute(select(recovery_alerts).where(a.id == alert_id)).one())
        record_event(connection, alert, "acknowledged", alert.level, now)
    return alert
