"""Recovery tables of what people do on a case: notes and manual escalations."""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

# One row per note or manual escalation, never updated: the case's record of what people did.
recovery_case_actions = Table(
    "recovery_case_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # note | escalation
    Column("text", Text, nullable=False),  # the note, or the escalation's reason
    Column("owner", String(64)),  # an escalation's named owner
    Column("due_at", UtcDateTime),  # an escalation's due time in business hours
    Column("by_user", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_recovery_case_actions_case_at", "case_id", "at"),
)
