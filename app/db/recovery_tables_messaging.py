"""Recovery tables of reminders: contact points, consents and opt-outs, message events, rules."""

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
    UniqueConstraint,
)

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

# Where a consumer can be reached on a channel. A hard bounce or an invalid number marks the
# point bad (with the provider's reason) and no reminder goes there again until it changes.
contact_points = Table(
    "recovery_contact_points",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consumer_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("address", String(254), nullable=False),  # e-mail, or the phone in E.164
    Column("state", String(8), nullable=False, default="valid"),  # valid | bad
    Column("reason", Text),
    Column("verified", Boolean, nullable=False, default=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("consumer_id", "channel", "address"),
    Index("ix_recovery_contact_points_channel_address", "channel", "address"),
)

# Consent history, append-only: the latest row per consumer and channel is the state. An
# opt-out is never edited away; only the consumer opting back in (SMS START) follows it.
consents = Table(
    "recovery_consents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consumer_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("state", String(12), nullable=False),  # opted_out | opted_in
    Column("at", UtcDateTime, nullable=False),
    Column("source", String(64), nullable=False),  # sms_stop, whatsapp_block, unsubscribe, cli
    Column("evidence", Text, nullable=False, default=""),
    Index("ix_recovery_consents_consumer_channel", "consumer_id", "channel", "at"),
)

# What providers told us about a message: delivered, read, clicked, failed, opted out.
# provider_event_id is UNIQUE: a webhook delivered twice is recorded once.
message_events = Table(
    "recovery_message_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Integer, ForeignKey("recovery_messages.id")),  # None: not matched yet
    Column("provider_id", String(128), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("type", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("provider_event_id", String(191), nullable=False, unique=True),
    Column("detail", JSON),
    Index("ix_recovery_message_events_message_id", "message_id"),
    Index("ix_recovery_message_events_provider_id", "provider_id"),
)

# The messaging rules (MessagingRules.to_mapping), one row per key, edited in the settings.
messaging_settings = Table(
    "recovery_messaging_settings",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)
