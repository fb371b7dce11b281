"""Disputes and consumers' special circumstances as the server keeps them: the columns its
rules and the recovery bridge need, and `data`, the record exactly as counters apply it."""

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from sync.server.tables import metadata

disputes = Table(
    "disputes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("consumer_id", UUID(as_uuid=True), nullable=False),
    Column("account_number", Text),
    Column("subject", Text, nullable=False),
    Column("subject_number", Text, nullable=False),
    Column("external_id", Text),  # an online payment's gateway id: its recovery case's key
    Column("status", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_disputes_consumer_id", "consumer_id"),
)

consumer_circumstances = Table(
    "consumer_circumstances",
    metadata,
    Column("consumer_id", UUID(as_uuid=True), primary_key=True),
    Column("account_number", Text),
    Column("version", Integer, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# How far the recovery bridge has read the change feed for disputes and circumstances.
recovery_hold_cursor = Table(
    "recovery_hold_cursor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
)
