"""What the server remembers of the Smart Collect feed: per published record (a consumer's
Smart Collect view, a case's escalation steps) the signature it was published with, so only
changed records go out again, and when, so a view the passing days made stale is refreshed."""

from sqlalchemy import Column, DateTime, Index, PrimaryKeyConstraint, Table, Text

from sync.server.tables import metadata

# (entity, key) -> the signature of the record as last published.
smart_collect_feed_published = Table(
    "smart_collect_feed_published",
    metadata,
    Column("entity", Text, nullable=False),  # smart_collect | escalation_steps
    Column("key", Text, nullable=False),  # the consumer's account number | the case id
    Column("signature", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("entity", "key"),
    Index("ix_smart_collect_feed_published_age", "entity", "published_at"),
)
