"""Recovery tables of payment plans offered to consumers and their installments.

Plans carry the same fields as the counter's payment_plans/installments (id, plan number,
consumer, status; installment number, amount, due date) so a later sync can publish them to the
counters; the rest (terms, acceptance evidence, payments) stays with recovery.
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
    UniqueConstraint,
)

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

recovery_plans = Table(
    "recovery_plans",
    metadata,
    Column("id", String(36), primary_key=True),  # UUIDv7, the idempotency key when synced
    Column("plan_number", String(32), nullable=False, unique=True),  # RP-2026-0001
    Column("consumer_id", String(64), nullable=False, index=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False, index=True),
    Column("total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("down_payment_minor", BigInteger, nullable=False, default=0),
    Column("frequency", String(16), nullable=False),
    Column("installment_count", Integer, nullable=False),  # regular ones, the down payment apart
    Column("status", String(16), nullable=False, default="offered"),
    Column("status_reason", Text),
    # What the case had recovered when the plan was offered: later payments on the case itself
    # (a link sent before the plan, paid after) go to the installments.
    Column("base_recovered_minor", BigInteger, nullable=False, default=0),
    Column("offered_by", String(64), nullable=False),
    Column("offered_at", UtcDateTime, nullable=False),
    Column("accepted_at", UtcDateTime),
    Column("accepted_channel", String(16)),  # link, phone, counter
    Column("accepted_by", String(64)),  # who recorded the consumer's yes
    Column("acceptance_text", Text),
    Column("closed_at", UtcDateTime),  # declined, completed or broken
    CheckConstraint("total_minor > 0", name="total_positive"),
    CheckConstraint(
        "down_payment_minor >= 0 AND down_payment_minor < total_minor", name="down_below_total"
    ),
    CheckConstraint("installment_count >= 1", name="count_positive"),
    Index("ix_recovery_plans_status", "status"),
)

recovery_plan_installments = Table(
    "recovery_plan_installments",
    metadata,
    Column("plan_id", String(36), ForeignKey("recovery_plans.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("paid_minor", BigInteger, nullable=False, default=0),
    Column("status", String(16), nullable=False, default="due"),
    Column("missed_at", UtcDateTime),
    Column("missed_case_id", String(64)),  # the recovery case opened for it
    CheckConstraint("amount_minor > 0", name="amount_positive"),
    CheckConstraint("number > 0", name="number_positive"),
    Index("ix_recovery_plan_installments_status_due", "status", "due_date"),
)

# Append-only: each payment applied to an installment, keyed so a repeat is a no-op.
recovery_plan_payments = Table(
    "recovery_plan_payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(36), ForeignKey("recovery_plans.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("source", String(16), nullable=False),  # cli, case
    Column("reference", String(160), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    UniqueConstraint("reference", "number"),
    CheckConstraint("amount_minor > 0", name="amount_positive"),
)
