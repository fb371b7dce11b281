"""This counter's printers and its print queue: local only, never synced."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime


class Printer(Base):
    __tablename__ = "printers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("terminals.id"))
    name: Mapped[str] = mapped_column(String(40, collation="NOCASE"))
    kind: Mapped[str] = mapped_column(String(16))  # network, usb, serial, file
    address: Mapped[str] = mapped_column(String(200))
    width_mm: Mapped[int]
    code_page: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool]
    auto_print: Mapped[str] = mapped_column(String(80))  # 'credit_note,receipt'
    opens_drawer: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("terminal_id", "name"),
        CheckConstraint("width_mm IN (58, 80)", name="width"),
        CheckConstraint("kind IN ('network', 'usb', 'serial', 'file')", name="kind"),
    )


class PrintJob(Base):
    """One document to print, stored as decided when it was queued (JSON of the document)."""

    __tablename__ = "print_jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("terminals.id"))
    kind: Mapped[str] = mapped_column(String(16))  # receipt, credit_note, shift_report, test
    reference: Mapped[str] = mapped_column(String(48, collation="NOCASE"))  # R-T01-0001 ...
    document_json: Mapped[str] = mapped_column(Text)
    copy_number: Mapped[int]  # 0 the original, n the n-th reprint
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    printer_name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # of the latest attempt
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("kind", "reference", "copy_number"),
        CheckConstraint("copy_number >= 0", name="copy_number"),
        CheckConstraint(
            "state IN ('queued', 'printing', 'waiting', 'printed', 'failed', 'cancelled')",
            name="state",
        ),
        CheckConstraint(
            "kind IN ('receipt', 'credit_note', 'shift_report', 'test')", name="document_kind"
        ),
        Index(None, "state", "created_at"),
    )
