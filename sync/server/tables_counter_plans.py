"""The server's side of plans made at counters: the PP- number sequence it hands out, and the
notices its plan scan recorded (missed installments, milestones, broken plans), once each."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from sync.server.tables import metadata

# year -> the last plan number handed out (PP-2026-0042 is year 2026, value 42). The row lock
# of the upsert serialises two counters' plans arriving at once.
plan_number_sequences = Table(
    "plan_number_sequences",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_value", BigInteger, nullable=False),
)

# kind: "half_paid", "completed", "missed", "broken", "cancelled"; subject: "" for the plan,
# or the installment number for "missed". Unique: a scan run twice records nothing twice.
# handed_over_at: when the recovery service took a milestone or a cancellation (s0012).
plan_notices = Table(
    "plan_notices",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("plan_id", UUID(as_uuid=True), nullable=False),
    Column("plan_number", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("handed_over_at", DateTime(timezone=True)),
    UniqueConstraint("plan_id", "kind", "subject", name="uq_plan_notices_once"),
    Index(
        "ix_plan_notices_waiting",
        "occurred_at",
        postgresql_where=text("handed_over_at IS NULL"),
    ),
)
