"""central server schema: terminals, admins, epoch, change feed, reference data, received
records (payments, credit notes, shifts, audit), flags, gateway events

Revision ID: s0001
Revises:
Create Date: 2026-11-23
"""

import secrets

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admins",
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_admins")),
    )
    op.create_table(
        "changes",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("op", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("op IN ('upsert', 'delete')", name=op.f("ck_changes_op_known")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_changes")),
    )
    op.create_index("ix_changes_entity_key_seq", "changes", ["entity", "key", "seq"], unique=False)
    op.create_table(
        "consumers",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("account_number", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consumers")),
        sa.UniqueConstraint("account_number", name=op.f("uq_consumers_account_number")),
    )
    op.create_table(
        "epoch",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_epoch_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_epoch")),
    )
    op.create_table(
        "feed_head",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_feed_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_head")),
    )
    op.create_table(
        "flags",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
    )
    op.create_index(
        "uq_flags_open_subject",
        "flags",
        ["kind", "subject"],
        unique=True,
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_table(
        "gateway_events",
        sa.Column("gateway", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("gateway", "event_id", name=op.f("pk_gateway_events")),
    )
    op.create_table(
        "server_events",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_events")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "terminals",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), server_default="", nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("registered_by", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clock_skew_s", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminals")),
        sa.UniqueConstraint("code", name=op.f("uq_terminals_code")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_terminals_token_hash")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("terminal_id", sa.UUID(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_audit_events_terminal_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_table(
        "bills",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("consumer_id", sa.UUID(), nullable=False),
        sa.Column("invoice_number", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"], ["consumers.id"], name=op.f("fk_bills_consumer_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("invoice_number", name=op.f("uq_bills_invoice_number")),
    )
    op.create_index(op.f("ix_bills_consumer_id"), "bills", ["consumer_id"], unique=False)
    op.create_table(
        "payment_plans",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("consumer_id", sa.UUID(), nullable=False),
        sa.Column("plan_number", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"], ["consumers.id"], name=op.f("fk_payment_plans_consumer_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_plans")),
        sa.UniqueConstraint("plan_number", name=op.f("uq_payment_plans_plan_number")),
    )
    op.create_index(
        op.f("ix_payment_plans_consumer_id"), "payment_plans", ["consumer_id"], unique=False
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("terminal_id", sa.UUID(), nullable=True),
        sa.Column("payment_number", sa.Text(), nullable=True),
        sa.Column("transaction_number", sa.Text(), nullable=True),
        sa.Column("receipt_number", sa.Text(), nullable=True),
        sa.Column("consumer_id", sa.UUID(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("verification", sa.Text(), nullable=False),
        sa.Column("settlement_status", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("gateway", sa.Text(), nullable=True),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"], ["consumers.id"], name=op.f("fk_payments_consumer_id")
        ),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_payments_terminal_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("gateway", "external_id", name=op.f("uq_payments_gateway")),
        sa.UniqueConstraint("payment_number", name=op.f("uq_payments_payment_number")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_payments_receipt_number")),
        sa.UniqueConstraint("transaction_number", name=op.f("uq_payments_transaction_number")),
    )
    op.create_index(op.f("ix_payments_consumer_id"), "payments", ["consumer_id"], unique=False)
    op.create_table(
        "received_records",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("terminal_id", sa.UUID(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.UUID(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("client_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_received_records_terminal_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_records")),
    )
    op.create_index(
        op.f("ix_received_records_entity"),
        "received_records",
        ["entity", "entity_id"],
        unique=False,
    )
    op.create_table(
        "service_charges",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("consumer_id", sa.UUID(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"], ["consumers.id"], name=op.f("fk_service_charges_consumer_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_charges")),
        sa.UniqueConstraint("reference", name=op.f("uq_service_charges_reference")),
    )
    op.create_index(
        op.f("ix_service_charges_consumer_id"), "service_charges", ["consumer_id"], unique=False
    )
    op.create_table(
        "shifts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("terminal_id", sa.UUID(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_shifts_terminal_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("terminal_id", sa.UUID(), nullable=False),
        sa.Column("consumer_id", sa.UUID(), nullable=False),
        sa.Column("payment_id", sa.UUID(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"], ["consumers.id"], name=op.f("fk_credit_notes_consumer_id")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_credit_notes_payment_id")
        ),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_credit_notes_terminal_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
    )
    op.create_table(
        "installments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["payment_plans.id"], name=op.f("fk_installments_plan_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installments")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_installments_plan_id")),
    )
    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("payment_id", sa.UUID(), nullable=False),
        sa.Column("bill_id", sa.UUID(), nullable=True),
        sa.Column("service_charge_id", sa.UUID(), nullable=True),
        sa.Column("installment_id", sa.UUID(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_payment_allocations_bill_id")
        ),
        sa.ForeignKeyConstraint(
            ["installment_id"],
            ["installments.id"],
            name=op.f("fk_payment_allocations_installment_id"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_allocations_payment_id")
        ),
        sa.ForeignKeyConstraint(
            ["service_charge_id"],
            ["service_charges.id"],
            name=op.f("fk_payment_allocations_service_charge_id"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    op.create_index(
        op.f("ix_payment_allocations_bill_id"), "payment_allocations", ["bill_id"], unique=False
    )
    op.create_index(
        op.f("ix_payment_allocations_payment_id"),
        "payment_allocations",
        ["payment_id"],
        unique=False,
    )
    # A fresh database gets its own epoch; the change feed starts empty at seq 0.
    op.execute(
        sa.text("INSERT INTO epoch (id, value, created_at) VALUES (1, :v, now())").bindparams(
            v=secrets.token_hex(8)
        )
    )
    op.execute("INSERT INTO feed_head (id, last_seq) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_index("ix_changes_entity_key_seq", table_name="changes")
    op.drop_index(op.f("ix_payment_allocations_payment_id"), table_name="payment_allocations")
    op.drop_index(op.f("ix_payment_allocations_bill_id"), table_name="payment_allocations")
    op.drop_table("payment_allocations")
    op.drop_table("installments")
    op.drop_table("credit_notes")
    op.drop_table("shifts")
    op.drop_index(op.f("ix_service_charges_consumer_id"), table_name="service_charges")
    op.drop_table("service_charges")
    op.drop_index(op.f("ix_received_records_entity"), table_name="received_records")
    op.drop_table("received_records")
    op.drop_index(op.f("ix_payments_consumer_id"), table_name="payments")
    op.drop_table("payments")
    op.drop_index(op.f("ix_payment_plans_consumer_id"), table_name="payment_plans")
    op.drop_table("payment_plans")
    op.drop_index(op.f("ix_bills_consumer_id"), table_name="bills")
    op.drop_table("bills")
    op.drop_table("audit_events")
    op.drop_table("users")
    op.drop_table("terminals")
    op.drop_table("settings")
    op.drop_table("server_events")
    op.drop_table("gateway_events")
    op.drop_index(
        "uq_flags_open_subject", table_name="flags", postgresql_where=sa.text("resolved_at IS NULL")
    )
    op.drop_table("flags")
    op.drop_table("feed_head")
    op.drop_table("epoch")
    op.drop_table("consumers")
    op.drop_table("changes")
    op.drop_table("admins")
