"""Recovery tables of the alerts area: rule overrides, alerts and their history, charge volume
and cost rates (what payment-method analytics needs beyond the cases)."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

# A configured rule replaces the built-in default of the same metric and scope ('*': any).
recovery_alert_rules = Table(
    "recovery_alert_rules",
    metadata,
    Column("metric", String(24), nullable=False),
    Column("scope", String(32), nullable=False),
    Column("warning", Float, nullable=False),
    Column("critical", Float, nullable=False),
    Column("min_sample", Integer, nullable=False),
    Column("window_days", Integer, nullable=False),
    Column("clear_margin", Float, nullable=False),
    Column("clear_after", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False),
    PrimaryKeyConstraint("metric", "scope"),
)

recovery_alerts = Table(
    "recovery_alerts",
    metadata,
    Column("id", String(36), primary_key=True),
    # metric|scope_kind|scope while the alert is open, NULL once cleared: at most one open
    # alert per key (NULLs never collide, on SQLite and PostgreSQL alike).
    Column("open_key", String(96), unique=True),
    Column("metric", String(24), nullable=False),
    Column("scope_kind", String(16), nullable=False),  # method | gateway
    Column("scope", String(32), nullable=False),
    Column("level", String(16), nullable=False),  # warning | critical
    Column("value", Float),
    Column("threshold", Float),
    Column("sample", Integer, nullable=False),
    Column("clear_streak", Integer, nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("escalated_at", UtcDateTime),
    Column("cleared_at", UtcDateTime),
    Column("evaluated_at", UtcDateTime, nullable=False),
    Column("acknowledged_by", String(64)),
    Column("acknowledged_at", UtcDateTime),
    Index("ix_recovery_alerts_raised_at", "raised_at"),
)

recovery_alert_events = Table(
    "recovery_alert_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", String(36), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("kind", String(16), nullable=False),  # raised | escalated | cleared | acknowledged
    Column("level", String(16), nullable=False),
    Column("value", Float),
    Column("threshold", Float),
    Column("sample", Integer, nullable=False),
    Column("detail", JSON),
    Index("ix_recovery_alert_events_alert_id", "alert_id"),
    Index("ix_recovery_alert_events_at", "at"),
)

# Every first charge, approved or not, per day, method and gateway: the failure rate's
# denominator (the cases are only the failures). Reported by the gateways' daily totals.
recovery_charge_volumes = Table(
    "recovery_charge_volumes",
    metadata,
    Column("day", String(10), nullable=False),
    Column("method", String(16), nullable=False),
    Column("gateway", String(16), nullable=False),
    Column("charges", BigInteger, nullable=False),
    PrimaryKeyConstraint("day", "method", "gateway"),
)

# What a retry (kind 'attempt', key a gateway) or a message (kind 'message', key a channel)
# costs, in minor units of the deployment currency; key '*' is the kind's default.
recovery_cost_rates = Table(
    "recovery_cost_rates",
    metadata,
    Column("kind", String(16), nullable=False),
    Column("key", String(32), nullable=False),
    Column("cost_minor", BigInteger, nullable=False),
    Column("note", Text),
    PrimaryKeyConstraint("kind", "key"),
)
