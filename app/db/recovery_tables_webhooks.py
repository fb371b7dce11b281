"""Recovery tables of the webhooks area: outgoing webhooks: endpoints, events, deliveries."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

webhook_endpoints = Table(
    "recovery_webhook_endpoints",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("url", Text, nullable=False),
    Column("kinds", Text, nullable=False),  # comma-separated event kinds, sorted
    # The name of the signing secret in the OS keyring: the secret never enters the database,
    # so a copy of the database (backup, export, support) cannot forge our signatures.
    Column("secret_ref", String(128), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("deactivated_reason", Text),
)

webhook_events = Table(
    "recovery_webhook_events",
    metadata,
    Column("id", String(36), primary_key=True),  # sent as the idempotency key
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_recovery_webhook_events_created_at", "created_at"),
)

# One row per try of an event at an endpoint: the delivery log. A row with no tried_at is the
# next try, due at next_at; a failed try schedules the following one as a new row.
webhook_deliveries = Table(
    "recovery_webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), ForeignKey("recovery_webhook_events.id"), nullable=False),
    Column("endpoint_id", String(36), ForeignKey("recovery_webhook_endpoints.id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    # pending -> delivered | failed (retried as a new row) | gave_up | gone (410) | dropped
    Column("outcome", String(16), nullable=False, default="pending"),
    Column("next_at", UtcDateTime),  # when a pending try is due (or its lease ends)
    Column("tried_at", UtcDateTime),
    Column("status_code", Integer),
    Column("error", Text),
    Column("delivered_at", UtcDateTime),
    Index("ix_recovery_webhook_deliveries_outcome_next", "outcome", "next_at"),
    Index("ix_recovery_webhook_deliveries_event", "event_id"),
)
