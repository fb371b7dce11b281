"""Where a series without {TERM} starts: a utility continuing its old receipts (R-5001) sets
the first number once, before any is leased, or later only above every number leased."""

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Table, Text

from sync.server.tables import metadata

number_series_starts = Table(
    "number_series_starts",
    metadata,
    Column("series", Text, primary_key=True),
    Column("period", Text, primary_key=True),
    Column("first_value", BigInteger, nullable=False),
    Column("set_by", Text, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("first_value >= 1", name="positive"),
)
