"""The recovery tables: consumers, cases, attempts, decisions, messages, events.

Revision ID: r0001
Revises:
Create Date: 2026-12-04 22:20:46.742851
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_cases",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("card_network", sa.String(length=16), nullable=False),
        sa.Column("card_type", sa.String(length=16), nullable=False),
        sa.Column("failed_at", UtcDateTime(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("merchant_advice_code", sa.String(length=4), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("product", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recovered_minor", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("instrument", sa.String(length=128), nullable=False),
        sa.Column("next_at", UtcDateTime(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_cases")),
        sa.UniqueConstraint(
            "source", "external_id", name=op.f("uq_recovery_cases_source_external_id")
        ),
    )
    with op.batch_alter_table("recovery_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recovery_cases_consumer_id"), ["consumer_id"], unique=False
        )
        batch_op.create_index("ix_recovery_cases_status_next", ["status", "next_at"], unique=False)

    op.create_table(
        "recovery_consumers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("subdivision", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_consumers")),
    )
    op.create_table(
        "recovery_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_events")),
    )
    with op.batch_alter_table("recovery_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "recovery_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("instrument", sa.String(length=128), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("merchant_advice_code", sa.String(length=4), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=True),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_attempts_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_attempts")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_recovery_attempts_idempotency_key")),
    )
    with op.batch_alter_table("recovery_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_attempts_case_at", ["case_id", "at"], unique=False)
        batch_op.create_index(
            "ix_recovery_attempts_instrument_at", ["instrument", "at"], unique=False
        )
        batch_op.create_index("ix_recovery_attempts_state", ["state"], unique=False)

    op.create_table(
        "recovery_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("act_at", UtcDateTime(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_decisions_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_decisions")),
    )
    with op.batch_alter_table("recovery_decisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recovery_decisions_case_decided", ["case_id", "decided_at"], unique=False
        )

    op.create_table(
        "recovery_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("template", sa.String(length=48), nullable=False),
        sa.Column("payment_link", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_messages_case_id_recovery_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_messages")),
    )
    with op.batch_alter_table("recovery_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recovery_messages_consumer_at", ["consumer_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recovery_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_messages_consumer_at")

    op.drop_table("recovery_messages")
    with op.batch_alter_table("recovery_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_decisions_case_decided")

    op.drop_table("recovery_decisions")
    with op.batch_alter_table("recovery_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_attempts_state")
        batch_op.drop_index("ix_recovery_attempts_instrument_at")
        batch_op.drop_index("ix_recovery_attempts_case_at")

    op.drop_table("recovery_attempts")
    with op.batch_alter_table("recovery_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_events_case_id"))

    op.drop_table("recovery_events")
    op.drop_table("recovery_consumers")
    with op.batch_alter_table("recovery_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_cases_status_next")
        batch_op.drop_index(batch_op.f("ix_recovery_cases_consumer_id"))

    op.drop_table("recovery_cases")
