"""The server's record of how a plan offered by recovery was accepted: who said yes, how
(at the counter, by phone, by link), when, who recorded it, and the recovery case it settles."""

from sqlalchemy import Column, DateTime, ForeignKey, Table, Text
from sqlalchemy.dialects.postgresql import UUID

from sync.server.tables import metadata

plan_acceptances = Table(
    "plan_acceptances",
    metadata,
    Column("plan_id", UUID(as_uuid=True), ForeignKey("payment_plans.id"), primary_key=True),
    Column("case_id", Text, nullable=False, index=True),  # the recovery case it was offered on
    Column("accepted_by", Text, nullable=False),  # the person who said yes
    Column("channel", Text, nullable=False),  # counter, phone, link
    Column("evidence", Text, nullable=False),  # what they said or signed
    Column("recorded_by", Text, nullable=False),  # the user who recorded it
    Column("accepted_at", DateTime(timezone=True), nullable=False),
    Column("offered_by", Text, nullable=False),
    Column("offered_at", DateTime(timezone=True), nullable=False),
)
