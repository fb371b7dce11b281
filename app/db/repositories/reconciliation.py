"""Bank lines, matches and the counter's deposits as reconciliation looks them up."""

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.tables import (
    BankStatement,
    BankStatementLine,
    Consumer,
    Payment,
    ReconciliationMatch,
    Shift,
    ShiftCashMovement,
    User,
)
from app.domain.errors import NotFound

BANK_DROP_WORDS = ("bank", "deposit", "drop")  # a cash-out reason that means "to the bank"


class ReconciliationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- statements and lines ------------------------------------------------------------
    def statement_by_ref(self, ref: str) -> BankStatement | None:
        return self.session.scalar(select(BankStatement).where(BankStatement.statement_ref == ref))

    def known_hashes(self, hashes: Collection[str]) -> set[str]:
        found = self.session.scalars(
            select(BankStatementLine.line_hash).where(BankStatementLine.line_hash.in_(hashes))
        )
        return set(found)

    def lines(self) -> Sequence[BankStatementLine]:
        return self.session.scalars(
            select(BankStatementLine).order_by(
                BankStatementLine.booked_on,
                BankStatementLine.statement_id,
                BankStatementLine.line_no,
            )
        ).all()

    def add_statement(self, statement: BankStatement, lines: Sequence[BankStatementLine]) -> None:
        """A statement (new, or one imported before) with the lines it did not hold yet."""
        self.session.add(statement)
        self.session.flush()  # the lines point at it
        self.session.add_all(lines)
        self.session.flush()

    # -- matches ---------------------------------------------------------------------------
    def matches(self, statuses: Collection[str] | None = None) -> Sequence[ReconciliationMatch]:
        query = select(ReconciliationMatch).order_by(ReconciliationMatch.number)
        if statuses is not None:
            query = query.where(ReconciliationMatch.status.in_(statuses))
        return self.session.scalars(query).all()

    def match_by_number(self, number: int) -> ReconciliationMatch:
        match = self.session.scalar(
            select(ReconciliationMatch).where(ReconciliationMatch.number == number)
        )
        if match is None:
            raise NotFound(f"No reconciliation match {number}.")
        return match

    def add_match(self, match: ReconciliationMatch) -> None:
        self.session.add(match)
        self.session.flush()

    def remove_match(self, match: ReconciliationMatch) -> None:
        """Drop a suggestion nobody needs any more (decided matches are kept, with history)."""
        self.session.delete(match)
        self.session.flush()

    def save(self, match: ReconciliationMatch) -> None:
        """Write a changed match now."""
        self.session.flush()

    def next_match_number(self) -> int:
        return 1 + (self.session.scalar(select(func.max(ReconciliationMatch.number))) or 0)

    # -- the counter's side ------------------------------------------------------------------
    def bank_drops(self, since: datetime, until: datetime) -> list[tuple[ShiftCashMovement, str]]:
        """(movement, shift number) for cash taken out for the bank."""
        words = [ShiftCashMovement.reason.ilike(f"%{w}%") for w in BANK_DROP_WORDS]
        rows = self.session.execute(
            select(ShiftCashMovement, Shift.number)
            .join(Shift, Shift.id == ShiftCashMovement.shift_id)
            .where(
                ShiftCashMovement.direction == "out",
                ShiftCashMovement.recorded_at.between(since, until),
                or_(*words),
            )
        )
        return [(movement, number) for movement, number in rows]

    def closed_shifts(self, since: datetime, until: datetime) -> Sequence[Shift]:
        return self.session.scalars(
            select(Shift).where(Shift.status == "closed", Shift.closed_at.between(since, until))
        ).all()

    def payments_of_kinds(
        self, kinds: Collection[str], since: date, until: date
    ) -> Sequence[tuple[Payment, str]]:
        """Posted, unvoided payments of those method kinds, with the consumer's account."""
        return self.session.execute(  # type: ignore[return-value]
            select(Payment, Consumer.account_number)
            .join(Consumer, Consumer.id == Payment.consumer_id)
            .where(
                Payment.method_kind.in_(kinds),
                Payment.status == "Posted",
                Payment.voided_at.is_(None),
                # payment_date alone: the dashboard index (status, payment_date) serves it
                Payment.payment_date.between(since, until),
            )
        ).all()

    def stuck_online(self, statuses: Collection[str], before: datetime) -> Sequence[Payment]:
        return self.session.scalars(
            select(Payment)
            .where(
                Payment.source == "online",
                Payment.status.in_(statuses),
                Payment.recorded_at < before,
            )
            .order_by(Payment.recorded_at)
        ).all()

    def user_name(self, user_id: uuid.UUID | None) -> str:
        user = self.session.get(User, user_id) if user_id else None
        return user.full_name if user else ""
