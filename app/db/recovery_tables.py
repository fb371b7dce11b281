"""Recovery tables (cases, attempts, decisions, messages, events) with their own MetaData.

Kept apart from the counter's schema so the same tables can live on the server's PostgreSQL.
`recovery simulate` creates them on a throwaway file (metadata.create_all); `recovery run`
migrates a real database with the history in migrations/recovery (app/db/recovery_migrate.py).
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from app.db.base import NAMING, UtcDateTime

metadata = MetaData(naming_convention=NAMING)

recovery_consumers = Table(
    "recovery_consumers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(128), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("phone", String(20), nullable=False, default=""),
    Column("country", String(2), nullable=False),
    Column("subdivision", String(8), nullable=False, default=""),
    Column("timezone", String(64), nullable=False, default=""),
    Column("language", String(16), nullable=False, default=""),
    Column("vip", Boolean, nullable=False, default=False),
)

recovery_cases = Table(
    "recovery_cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("consumer_id", String(64), nullable=False, index=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("method", String(16), nullable=False),
    Column("gateway", String(16), nullable=False),
    Column("card_network", String(16), nullable=False, default=""),
    Column("card_type", String(16), nullable=False, default=""),
    Column("failed_at", UtcDateTime, nullable=False),
    Column("code", String(32), nullable=False),
    Column("merchant_advice_code", String(4), nullable=False, default=""),
    Column("category", String(24), nullable=False),
    Column("product", String(16), nullable=False),
    Column("due_date", String(10)),
    Column("segment", String(16), nullable=False),
    Column("status", String(16), nullable=False, default="open"),
    Column("recovered_minor", BigInteger, nullable=False, default=0),
    # A discount offer forgave the rest (recovery_write_offs): recovered + written off = amount.
    Column("written_off_minor", BigInteger, nullable=False, default=0, server_default="0"),
    # Intake is exactly once per (source, external id): a webhook, a poll and an import of the
    # same failure meet on this key.
    Column("source", String(32)),
    Column("external_id", String(128)),
    Column("instrument", String(128), nullable=False, default=""),  # vault/customer/mandate id
    Column("next_at", UtcDateTime),  # when `recovery run` looks at it again; None: not due
    Column("status_reason", Text),
    Column("claimed_by", String(64)),  # the worker holding the case until claimed_until
    Column("claimed_until", UtcDateTime),
    UniqueConstraint("source", "external_id"),
    Index("ix_recovery_cases_status_next", "status", "next_at"),
)

recovery_attempts = Table(
    "recovery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("instrument", String(128), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("approved", Boolean),  # None while started and not yet answered
    Column("code", String(32), nullable=False),
    Column("merchant_advice_code", String(4), nullable=False, default=""),
    Column("category", String(24)),
    # started -> done (answered) | error (the gateway did not answer) | unsent (never arrived).
    # A 'started' row is committed before the charge is sent: after a crash it is reconciled
    # with the gateway by its idempotency key, never sent blind again.
    Column("state", String(16), nullable=False, default="done"),
    Column("idempotency_key", String(80), unique=True),
    Column("external_id", String(128)),
    Index("ix_recovery_attempts_case_at", "case_id", "at"),
    Index("ix_recovery_attempts_instrument_at", "instrument", "at"),
    Index("ix_recovery_attempts_state", "state"),
)

recovery_decisions = Table(
    "recovery_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("policy", String(32), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("act_at", UtcDateTime, nullable=False),
    Column("amount_minor", BigInteger, nullable=False, default=0),
    Column("reason", Text, nullable=False),
    Column("score", Float),
    Column("channel", String(16)),
    Column("recovery_score", Float),  # the recovery model's odds for the case (r0011)
    Index("ix_recovery_decisions_case_decided", "case_id", "decided_at"),
)

recovery_messages = Table(
    "recovery_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("consumer_id", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("template", String(48), nullable=False),
    Column("payment_link", Boolean, nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("accepted", Boolean, nullable=False),
    Column("error", Text),
    # Messaging (r0005): the provider's id (events attach by it), the reminder this sending
    # belongs to (one reminder, one channel at a time), the consumer's zone and local time.
    Column("provider_id", String(128), index=True),
    Column("reminder_id", String(64), index=True),
    Column("zone", String(64)),
    Column("local_at", String(32)),  # ISO 8601 with the offset the consumer had then
    UniqueConstraint("reminder_id", "channel"),  # a reminder goes once on each channel at most
    Index("ix_recovery_messages_consumer_at", "consumer_id", "at"),
)

recovery_events = Table(
    "recovery_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("type", String(32), nullable=False),
    Column("channel", String(16)),
    Column("amount_minor", BigInteger, nullable=False, default=0),
    Column("detail", JSON),
)

TABLES = {
    "consumers": recovery_consumers,
    "cases": recovery_cases,
    "attempts": recovery_attempts,
    "decisions": recovery_decisions,
    "messages": recovery_messages,
    "events": recovery_events,
}
