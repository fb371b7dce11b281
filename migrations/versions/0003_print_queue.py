"""print queue: printers per terminal and print jobs stored with the document they print

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=48, collation="NOCASE"), nullable=False),
        sa.Column("document_json", sa.Text(), nullable=False),
        sa.Column("copy_number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("printer_name", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('receipt', 'credit_note', 'shift_report', 'test')",
            name=op.f("ck_print_jobs_document_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('queued', 'printing', 'waiting', 'printed', 'failed', 'cancelled')",
            name=op.f("ck_print_jobs_state"),
        ),
        sa.CheckConstraint("copy_number >= 0", name=op.f("ck_print_jobs_copy_number")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_print_jobs_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_print_jobs_terminal_id_terminals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
        sa.UniqueConstraint(
            "kind",
            "reference",
            "copy_number",
            name=op.f("uq_print_jobs_kind_reference_copy_number"),
        ),
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_print_jobs_state_created_at"), ["state", "created_at"], unique=False
        )

    op.create_table(
        "printers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=40, collation="NOCASE"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("width_mm", sa.Integer(), nullable=False),
        sa.Column("code_page", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("auto_print", sa.String(length=80), nullable=False),
        sa.Column("opens_drawer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('network', 'usb', 'serial', 'file')", name=op.f("ck_printers_kind")
        ),
        sa.CheckConstraint("width_mm IN (58, 80)", name=op.f("ck_printers_width")),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminals.id"], name=op.f("fk_printers_terminal_id_terminals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_printers")),
        sa.UniqueConstraint("terminal_id", "name", name=op.f("uq_printers_terminal_id_name")),
    )


def downgrade() -> None:
    op.drop_table("printers")
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_jobs_state_created_at"))

    op.drop_table("print_jobs")
