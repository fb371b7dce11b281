"""Recovery table of payment-plan milestone messages (half paid, completed): one row per plan
and milestone, so the consumer hears of each milestone exactly once, whenever the hours allow."""

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Table, Text

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

# status: pending (waits for next_at) -> sending (committed before the provider is called, so
# a crash never sends twice) -> sent | failed (every channel refused, after the retries) |
# expired (too old to be news by the time it could go) | skipped (no channel may carry it).
recovery_plan_notices = Table(
    "recovery_plan_notices",
    metadata,
    Column("id", String(64), primary_key=True),  # PP-2026-0001/half_paid: the once-only key
    Column("plan_number", String(32), nullable=False),
    Column("milestone", String(16), nullable=False),  # half_paid | completed
    Column("consumer_id", String(64), nullable=False),  # the account number, as cases have it
    Column("consumer_name", String(128), nullable=False, default=""),
    Column("paid_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reached_on", String(10)),  # the day the payments crossed the milestone
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("next_at", UtcDateTime),  # when the sender looks at it again (hours, preferences)
    Column("attempts", Integer, nullable=False, default=0),
    Column("channel", String(16)),
    Column("language", String(16)),
    Column("provider_id", String(128)),
    Column("sent_at", UtcDateTime),
    Column("local_at", String(32)),  # the consumer's local time it went, with the offset
    Column("note", Text),  # why it waits, or why it failed
    Column("detail", JSON),
    Index("ix_recovery_plan_notices_status_next", "status", "next_at"),
)
