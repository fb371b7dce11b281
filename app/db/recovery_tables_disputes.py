"""Recovery tables of what counters record about a consumer: disputes (a disputed payment or
bill is never charged) and special circumstances with payment preferences (no automatic charge
before a recovery executive's review, gentle reminders, the preferred channel and time)."""

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

# One row per dispute, as the counter that holds it last sent it (the version only grows).
recovery_disputes = Table(
    "recovery_disputes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("consumer_id", String(64), nullable=False),  # the account number, as cases have it
    Column("subject", String(8), nullable=False),  # payment | bill
    Column("subject_number", String(48), nullable=False),
    Column("external_id", String(128)),  # an online payment's gateway id: its case's key
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("resolution", Text),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_recovery_disputes_consumer_status", "consumer_id", "status"),
    Index("ix_recovery_disputes_external_id", "external_id"),
)

recovery_circumstances = Table(
    "recovery_circumstances",
    metadata,
    Column("consumer_id", String(64), primary_key=True),  # the account number
    Column("circumstances", JSON, nullable=False),  # ["medical", "hardship", ...]
    Column("preferred_channel", String(16), nullable=False, default=""),
    Column("preferred_from", String(5), nullable=False, default=""),  # HH:MM, consumer's time
    Column("preferred_until", String(5), nullable=False, default=""),
    Column("language", String(16), nullable=False, default=""),
    Column("set_by", String(64), nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
