"""Recovery tables of Smart Collect: observed credits, segment configurations (versioned),
escalation steps with their outcome, and the forecasts the bands are calibrated on."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

# Money arriving in the consumer's account (salary and other income), as a bank statement or an
# account aggregator reports it. Imported from CSV; one row per (consumer, day, amount, source).
recovery_credits = Table(
    "recovery_credits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consumer_id", String(64), nullable=False),
    Column("credited_on", String(10), nullable=False),  # ISO date, the consumer's local day
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("source", String(32), nullable=False),
    Column("balance_minor", BigInteger),  # the balance after it, when the source reports one
    Column("imported_at", UtcDateTime, nullable=False),
    UniqueConstraint("consumer_id", "credited_on", "amount_minor", "source"),
    Index("ix_recovery_credits_consumer_on", "consumer_id", "credited_on"),
)

# Every change is a new version (never an update): the latest version of a segment is in force,
# the earlier ones are its audit trail (who, when, which fields from what to what).
recovery_segment_configs = Table(
    "recovery_segment_configs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("segment", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("settings", JSON, nullable=False),
    Column("changes", JSON, nullable=False),  # {field: [old, new]}
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("segment", "version"),
)

# One step of an escalation path per case and rule: open until done (by whom) or missed (its
# business-hours due time passed first).
recovery_escalations = Table(
    "recovery_escalations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("rule", String(48), nullable=False),
    Column("action", String(96), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("why", Text, nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("state", String(8), nullable=False),  # open | done | missed
    Column("closed_at", UtcDateTime),
    Column("closed_by", String(64)),
    Column("note", Text),
    UniqueConstraint("case_id", "rule"),
    Index("ix_recovery_escalations_state_due", "state", "due_at"),
)

# What Smart Collect predicted for a case's next collection, once a day; the attempt that
# followed is its outcome, and enough outcomes calibrate the bands.
recovery_forecasts = Table(
    "recovery_forecasts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("made_on", String(10), nullable=False),
    Column("made_at", UtcDateTime, nullable=False),
    Column("for_date", String(10), nullable=False),
    Column("probability", Float, nullable=False),  # percent, before any calibration
    Column("band", String(16), nullable=False),
    UniqueConstraint("case_id", "made_on"),
)
