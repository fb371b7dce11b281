"""Reminders: contact points, consents and opt-outs, message events, messaging rules.

Revision ID: r0005
Revises: r0004
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None

MESSAGE_COLUMNS = (
    ("provider_id", sa.String(length=128)),
    ("reminder_id", sa.String(length=64)),
    ("zone", sa.String(length=64)),
    ("local_at", sa.String(length=32)),
)


def upgrade() -> None:
    with op.batch_alter_table("recovery_messages", schema=None) as batch_op:
        for name, type_ in MESSAGE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index(
            batch_op.f("ix_recovery_messages_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recovery_messages_reminder_id"), ["reminder_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_recovery_messages_reminder_id_channel"), ["reminder_id", "channel"]
        )

    op.create_table(
        "recovery_contact_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_contact_points")),
        sa.UniqueConstraint(
            "consumer_id",
            "channel",
            "address",
            name=op.f("uq_recovery_contact_points_consumer_id_channel_address"),
        ),
    )
    with op.batch_alter_table("recovery_contact_points", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recovery_contact_points_channel_address", ["channel", "address"], unique=False
        )

    op.create_table(
        "recovery_consents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_consents")),
    )
    with op.batch_alter_table("recovery_consents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recovery_consents_consumer_channel",
            ["consumer_id", "channel", "at"],
            unique=False,
        )

    op.create_table(
        "recovery_message_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("provider_event_id", sa.String(length=191), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["recovery_messages.id"],
            name=op.f("fk_recovery_message_events_message_id_recovery_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_message_events")),
        sa.UniqueConstraint(
            "provider_event_id", name=op.f("uq_recovery_message_events_provider_event_id")
        ),
    )
    with op.batch_alter_table("recovery_message_events", schema=None) as batch_op:
        batch_op.create_index("ix_recovery_message_events_message_id", ["message_id"], unique=False)
        batch_op.create_index(
            "ix_recovery_message_events_provider_id", ["provider_id"], unique=False
        )

    op.create_table(
        "recovery_messaging_settings",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_recovery_messaging_settings")),
    )


def downgrade() -> None:
    op.drop_table("recovery_messaging_settings")
    with op.batch_alter_table("recovery_message_events", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_message_events_provider_id")
        batch_op.drop_index("ix_recovery_message_events_message_id")
    op.drop_table("recovery_message_events")
    with op.batch_alter_table("recovery_consents", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_consents_consumer_channel")
    op.drop_table("recovery_consents")
    with op.batch_alter_table("recovery_contact_points", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_contact_points_channel_address")
    op.drop_table("recovery_contact_points")
    with op.batch_alter_table("recovery_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_recovery_messages_reminder_id_channel"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_recovery_messages_reminder_id"))
        batch_op.drop_index(batch_op.f("ix_recovery_messages_provider_id"))
        for name, _type in reversed(MESSAGE_COLUMNS):
            batch_op.drop_column(name)
