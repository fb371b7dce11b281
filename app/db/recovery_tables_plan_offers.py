"""Recovery tables of plan offers: the terms offered on a case and the consumer's acceptance.

An offer is not a plan. Once the consumer accepts, the plan is made on the central server in the
counter's own model (a PP- plan with its installments, paid at any counter), and the offer keeps
its number; the cases its missed installments open are linked back to the offer's case.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

recovery_plan_offers = Table(
    "recovery_plan_offers",
    metadata,
    Column("id", String(36), primary_key=True),  # also the PP- plan's id on the server
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False, index=True),
    Column("consumer_id", String(64), nullable=False),  # the account number
    Column("total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("down_payment_minor", BigInteger, nullable=False, default=0),
    Column("installment_count", Integer, nullable=False),  # regular ones after the down payment
    Column("frequency", String(16), nullable=False),  # Weekly, Fortnightly, Monthly
    Column("first_due", Date, nullable=False),
    Column("status", String(16), nullable=False, default="offered"),  # accepted, declined, expired
    Column("offered_by", String(64), nullable=False),
    Column("offered_at", UtcDateTime, nullable=False),
    Column("accepted_at", UtcDateTime),
    Column("accepted_by", String(120)),  # the person who said yes (the consumer, a relative)
    Column("accepted_channel", String(16)),  # counter, phone, link
    Column("acceptance_text", Text),  # what they said or signed
    Column("recorded_by", String(64)),  # the user who recorded the yes (or the no)
    Column("plan_number", String(32), unique=True),  # PP-2026-0042 once accepted
    Column("closed_reason", Text),  # why it was declined, or that it expired
    CheckConstraint("total_minor > 0", name="total_positive"),
    CheckConstraint("installment_count >= 1", name="count_positive"),
    Index("ix_recovery_plan_offers_status", "status"),
)

# A case opened by a missed installment of an offer's plan, linked to the case that was
# planned: the executive sees where it came from, the original case what became of its plan.
recovery_plan_case_links = Table(
    "recovery_plan_case_links",
    metadata,
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), primary_key=True),
    Column("offer_id", String(36), ForeignKey("recovery_plan_offers.id"), nullable=False),
    Column("origin_case_id", String(64), nullable=False, index=True),
    Column("linked_at", UtcDateTime, nullable=False),
)
