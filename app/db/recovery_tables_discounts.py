"""Recovery table of discounts written off: what a discount offer forgave on a case, and why.

One row per case at most: a case paid at its discounted price is closed once, and the rest of
what it owed (never more than the offer's percentage) is written off, naming the offer that
granted it (an experiment's arm or a segment configuration's offer) and who wrote it off.
"""

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

recovery_write_offs = Table(
    "recovery_write_offs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("consumer_id", String(64), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),  # forgiven: owed - recovered at close
    Column("owed_minor", BigInteger, nullable=False),  # the case's amount
    Column("paid_minor", BigInteger, nullable=False),  # recovered when it closed
    Column("currency", String(3), nullable=False),
    Column("percent", Integer, nullable=False),  # the offer's discount
    Column("source", String(16), nullable=False),  # experiment | segment
    Column("experiment_id", Integer),  # the arm's test (source experiment)
    Column("variant", String(64)),  # the arm (source experiment)
    Column("segment", String(32)),  # the segment whose offer it was (source segment)
    Column("reason", Text, nullable=False),
    Column("written_by", String(64), nullable=False),  # the recovery worker that closed it
    Column("written_at", UtcDateTime, nullable=False),
    Index("ix_recovery_write_offs_case", "case_id", unique=True),
    Index("ix_recovery_write_offs_experiment", "experiment_id"),
)
