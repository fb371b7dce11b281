"""Bank reconciliation: imported statements, their lines, and lines matched to counter items."""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime

# A line or a counter item is in at most one live match (proposed or confirmed).
LIVE = "status IN ('proposed', 'confirmed')"


class BankStatement(Base):
    """One imported file: CSV, CAMT.053 or MT940."""

    __tablename__ = "bank_statements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    statement_ref: Mapped[str] = mapped_column(String(80), unique=True)
    format: Mapped[str] = mapped_column(String(8))
    account: Mapped[str] = mapped_column(String(80))
    currency: Mapped[str] = mapped_column(String(3))
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    imported_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (CheckConstraint("format IN ('csv', 'camt053', 'mt940')", name="format"),)


class BankStatementLine(Base):
    """One booked entry; `line_hash` keeps it stored once however often the file comes in."""

    __tablename__ = "bank_statement_lines"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    line_no: Mapped[int]
    line_hash: Mapped[str] = mapped_column(String(64), unique=True)
    booked_on: Mapped[date] = mapped_column(Date, index=True)
    amount_minor: Mapped[int]  # credits positive, debits negative
    reference: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500))

    __table_args__ = (CheckConstraint("amount_minor <> 0", name="amount_not_zero"),)


class ReconciliationMatch(Base):
    """A bank line paired with one counter item (a cash drop, a card day, a payment)."""

    __tablename__ = "reconciliation_matches"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # what a billing manager types
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_statement_lines.id"), index=True)
    item_kind: Mapped[str] = mapped_column(String(16))
    item_key: Mapped[str] = mapped_column(String(80), index=True)
    item_label: Mapped[str] = mapped_column(String(200))
    item_on: Mapped[date] = mapped_column(Date)
    item_amount_minor: Mapped[int]
    match_pass: Mapped[str] = mapped_column(String(12))
    rank: Mapped[int]
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint("match_pass IN ('exact', 'window', 'suggested')", name="match_pass"),
        CheckConstraint(
            "status IN ('proposed', 'suggested', 'confirmed', 'rejected', 'undone')",
            name="status",
        ),
        Index(
            "ix_reconciliation_matches_live_line",
            "line_id",
            unique=True,
            sqlite_where=text(LIVE),
        ),
        Index(
            "ix_reconciliation_matches_live_item",
            "item_key",
            unique=True,
            sqlite_where=text(LIVE),
        ),
    )
