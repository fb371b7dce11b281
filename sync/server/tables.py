"""The central server's PostgreSQL schema (SQLAlchemy Core tables; Alembic history beside it).

Reference rows keep the columns the server's rules need (ids, numbers, amounts) plus `data`, the
row exactly as a counter applies it from the change feed. Records pushed by counters are kept
verbatim in `received_records` (the idempotency key is the outbox record id) and projected into
payments, credit notes, shifts and audit events.
"""

from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)


def _at(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _uuid(name: str, *args: Any, **kwargs: Any) -> Column:
    return Column(name, UUID(as_uuid=True), *args, **kwargs)


epoch = Table(
    "epoch",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("value", Text, nullable=False),
    _at("created_at"),
    CheckConstraint("id = 1", name="single_row"),
)

# One row; UPDATE ... RETURNING both allocates the next seqs and row-locks until commit, so
# seqs become visible in the order they were handed out (see feed.py).
feed_head = Table(
    "feed_head",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

changes = Table(
    "changes",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entity", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("op", Text, nullable=False),
    Column("data", JSONB),
    _at("created_at"),
    CheckConstraint("op IN ('upsert', 'delete')", name="op_known"),
    # Finds a record's newer change, so a pull can skip versions already superseded.
    Index("ix_changes_entity_key_seq", "entity", "key", "seq"),
)

admins = Table(
    "admins",
    metadata,
    Column("username", Text, primary_key=True),
    Column("password_hash", Text, nullable=False),
    _at("created_at"),
)

terminals = Table(
    "terminals",
    metadata,
    _uuid("id", primary_key=True),
    Column("code", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("token_hash", Text, nullable=False, unique=True),  # sha256 of a 32-byte random token
    Column("registered_by", Text, nullable=False),
    _at("registered_at"),
    # pending until the counter proves it stored its token (POST /v1/terminals/confirm)
    Column("status", Text, nullable=False, server_default="pending"),
    _at("activated_at", nullable=True),  # the first confirmation; kept when a token is renewed
    _at("last_seen_at", nullable=True),
    Column("clock_skew_s", Integer),  # counter clock minus server clock at the last push
    CheckConstraint("status IN ('pending', 'active')", name="status"),
    # Which service center it stands in: only users assigned there get their PIN hash on it.
    Column("site", Text, nullable=False, server_default="main"),
)

consumers = Table(
    "consumers",
    metadata,
    _uuid("id", primary_key=True),
    Column("account_number", Text, nullable=False, unique=True),
    Column("data", JSONB, nullable=False),
)

bills = Table(
    "bills",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("consumer_id", ForeignKey("consumers.id"), nullable=False, index=True),
    Column("invoice_number", Text, nullable=False, unique=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("data", JSONB, nullable=False),
)

service_charges = Table(
    "service_charges",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("consumer_id", ForeignKey("consumers.id"), nullable=False, index=True),
    Column("reference", Text, nullable=False, unique=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("data", JSONB, nullable=False),
)

payment_plans = Table(
    "payment_plans",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("consumer_id", ForeignKey("consumers.id"), nullable=False, index=True),
    Column("plan_number", Text, nullable=False, unique=True),
    Column("data", JSONB, nullable=False),
)

installments = Table(
    "installments",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("plan_id", ForeignKey("payment_plans.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("data", JSONB, nullable=False),
    UniqueConstraint("plan_id", "number"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", JSONB, nullable=False),
    Column("version", Integer, nullable=False),
    _at("updated_at"),
)

users = Table(
    "users",
    metadata,
    _uuid("id", primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("data", JSONB, nullable=False),
)

# Where each user may sign in. No row: nowhere (a counter gets the user without a PIN hash).
user_sites = Table(
    "user_sites",
    metadata,
    _uuid("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site", Text, primary_key=True),
    _at("assigned_at"),
    Column("assigned_by", Text, nullable=False),
)

received_records = Table(
    "received_records",
    metadata,
    _uuid("id", primary_key=True),  # the counter's outbox record id
    _uuid("terminal_id", ForeignKey("terminals.id"), nullable=False),
    Column("entity", Text, nullable=False),
    _uuid("entity_id", nullable=False),
    Column("payload", JSONB, nullable=False),
    _at("client_created_at"),
    _at("received_at"),
    Index(None, "entity", "entity_id"),
)

payments = Table(
    "payments",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("terminal_id", ForeignKey("terminals.id")),  # None for an online payment
    Column("payment_number", Text, unique=True),
    Column("transaction_number", Text, unique=True),
    Column("receipt_number", Text, unique=True),
    _uuid("consumer_id", ForeignKey("consumers.id"), index=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("verification", Text, nullable=False),
    Column("settlement_status", Text, nullable=False),
    Column("source", Text, nullable=False),  # "counter" | "online"
    Column("gateway", Text),
    Column("external_id", Text),
    Column("data", JSONB, nullable=False),
    _at("received_at"),
    _at("updated_at"),
    UniqueConstraint("gateway", "external_id"),
)

payment_allocations = Table(
    "payment_allocations",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("payment_id", ForeignKey("payments.id"), nullable=False, index=True),
    _uuid("bill_id", ForeignKey("bills.id")),
    _uuid("service_charge_id", ForeignKey("service_charges.id")),
    _uuid("installment_id", ForeignKey("installments.id")),
    Column("amount_minor", BigInteger, nullable=False),
    Index(None, "bill_id"),
)

credit_notes = Table(
    "credit_notes",
    metadata,
    _uuid("id", primary_key=True),
    Column("number", Text, nullable=False, unique=True),
    _uuid("terminal_id", ForeignKey("terminals.id"), nullable=False),
    _uuid("consumer_id", ForeignKey("consumers.id"), nullable=False),
    _uuid("payment_id", ForeignKey("payments.id")),
    Column("amount_minor", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("data", JSONB, nullable=False),
    _at("received_at"),
)

shifts = Table(
    "shifts",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("terminal_id", ForeignKey("terminals.id"), nullable=False),
    Column("data", JSONB, nullable=False),
    _at("updated_at"),
)

audit_events = Table(
    "audit_events",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("terminal_id", ForeignKey("terminals.id"), nullable=False),
    Column("data", JSONB, nullable=False),
    _at("received_at"),
)

# Something a supervisor must look at: a bill paid beyond its amount, a record re-sent with
# other content. One open flag per (kind, subject); a later occurrence updates its detail.
flags = Table(
    "flags",
    metadata,
    _uuid("id", primary_key=True),
    Column("kind", Text, nullable=False),
    Column("subject", Text, nullable=False),  # e.g. "bill:<id>", "record:<id>"
    Column("detail", JSONB, nullable=False),
    _at("created_at"),
    _at("updated_at"),
    _at("resolved_at", nullable=True),
    Index(
        "uq_flags_open_subject",
        "kind",
        "subject",
        unique=True,
        postgresql_where=text("resolved_at IS NULL"),
    ),
)

# Webhook deliveries already applied: a gateway retries, an event applies once.
gateway_events = Table(
    "gateway_events",
    metadata,
    Column("gateway", Text, primary_key=True),
    Column("event_id", Text, primary_key=True),
    Column("external_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    _at("occurred_at"),
    _at("received_at"),
)

# What people did on the server itself (admins added, terminals registered, epochs started).
server_events = Table(
    "server_events",
    metadata,
    _uuid("id", primary_key=True),
    _at("occurred_at"),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
)

# Feed changes a counter could not apply, as it reported them (one row per counter and record;
# a later report updates it, and "applied" closes it). A supervisor sees which record and why.
quarantine_reports = Table(
    "quarantine_reports",
    metadata,
    _uuid("terminal_id", ForeignKey("terminals.id"), primary_key=True),
    Column("entity", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("state", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("app_version", Text, nullable=False),
    Column("retries", Integer, nullable=False),
    Column("detail", JSONB, nullable=False),
    _at("first_reported_at"),
    _at("last_reported_at"),
    _at("applied_at", nullable=True),
    CheckConstraint("state IN ('quarantined', 'applied')", name="state"),
)

# Blocks of sequence numbers leased to a terminal for a series without {TERM} (R-{SEQ}): the
# id is the counter's request id, so asking again returns the same block. Leases are taken
# under a per-series lock; the unique ends make an overlap impossible to store anyway.
number_blocks = Table(
    "number_blocks",
    metadata,
    _uuid("id", primary_key=True),
    _uuid("terminal_id", ForeignKey("terminals.id"), nullable=False),
    Column("series", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("first_value", BigInteger, nullable=False),
    Column("last_value", BigInteger, nullable=False),
    _at("leased_at"),
    CheckConstraint("first_value >= 1 AND last_value >= first_value", name="range"),
    UniqueConstraint("series", "period", "first_value", name="uq_number_blocks_first"),
    UniqueConstraint("series", "period", "last_value", name="uq_number_blocks_last"),
    Index("ix_number_blocks_terminal_id", "terminal_id", "series", "period"),
)
