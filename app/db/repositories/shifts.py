"""Shifts: the open one on this terminal, their payments, cash movements and takings."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from app.db.tables import (
    OutboxRecord,
    Payment,
    Shift,
    ShiftCashMovement,
    ShiftDenominationCount,
    ShiftPayment,
    ShiftReconciliation,
    User,
)
from app.domain.shifts import ShiftStatus

# Read at every payment: built once, its cache key reused.
_OPEN_ON = select(Shift).where(
    Shift.terminal_id == bindparam("terminal_id"), Shift.status == ShiftStatus.OPEN.value
)


class ShiftRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_on(self, terminal_id: uuid.UUID) -> Shift | None:
        return self.session.scalar(_OPEN_ON, {"terminal_id": terminal_id})

    def count_on(self, terminal_id: uuid.UUID) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(Shift).where(Shift.terminal_id == terminal_id)
            )
            or 0
        )

    def latest(
        self, terminal_id: uuid.UUID, number: str | None = None, *, closed: bool = False
    ) -> Shift | None:
        """A shift by number (any terminal's); else this terminal's latest (closed) one."""
        query = select(Shift).where(Shift.terminal_id == terminal_id)
        if closed:
            query = query.where(Shift.status == ShiftStatus.CLOSED.value)
        if number:
            query = select(Shift).where(Shift.number == number)
        return self.session.scalar(query.order_by(Shift.opened_at.desc(), Shift.id.desc()))

    def add(self, shift: Shift) -> None:
        self.session.add(shift)
        self.session.flush()

    def add_movement(self, movement: ShiftCashMovement) -> None:
        self.session.add(movement)
        self.session.flush()

    def add_close_counts(
        self,
        denominations: Sequence[ShiftDenominationCount],
        reconciliations: Sequence[ShiftReconciliation],
    ) -> None:
        """What the cashier counted at close, per note and coin and per payment method."""
        self.session.add_all(denominations)
        self.session.add_all(reconciliations)

    def save(self, shift: Shift) -> None:
        """Write a changed shift now, so the database's rules refuse a wrong change here."""
        self.session.flush()

    def denominations(self, shift_id: uuid.UUID) -> list[ShiftDenominationCount]:
        """The notes and coins counted at close, largest first."""
        return list(
            self.session.scalars(
                select(ShiftDenominationCount)
                .where(ShiftDenominationCount.shift_id == shift_id)
                .order_by(ShiftDenominationCount.value_minor.desc())
            )
        )

    def reconciliations(self, shift_id: uuid.UUID) -> list[ShiftReconciliation]:
        """Expected against counted per payment method, in the order the close showed them."""
        return list(
            self.session.scalars(
                select(ShiftReconciliation)
                .where(ShiftReconciliation.shift_id == shift_id)
                .order_by(ShiftReconciliation.position)
            )
        )

    def link_payment(self, shift_id: uuid.UUID, payment_id: uuid.UUID) -> None:
        self.session.add(ShiftPayment(payment_id=payment_id, shift_id=shift_id))

    def takings(self, shift_id: uuid.UUID, as_of: datetime) -> list[tuple[str, str, int, int]]:
        """(method, method kind, count, total) of the payments that stood at `as_of`."""
        rows = self.session.execute(
            select(
                Payment.method, Payment.method_kind, func.count(), func.sum(Payment.amount_minor)
            )
            .join(ShiftPayment, ShiftPayment.payment_id == Payment.id)
            .where(
                ShiftPayment.shift_id == shift_id,
                or_(Payment.voided_at.is_(None), Payment.voided_at > as_of),
            )
            .group_by(Payment.method, Payment.method_kind)
        )
        return [(m, k, int(n), int(total or 0)) for m, k, n, total in rows]

    def movements(self, shift_id: uuid.UUID) -> list[tuple[ShiftCashMovement, str]]:
        """The shift's cash in and out, oldest first, with who recorded each."""
        rows = self.session.execute(
            select(ShiftCashMovement, User.full_name)
            .join(User, User.id == ShiftCashMovement.recorded_by)
            .where(ShiftCashMovement.shift_id == shift_id)
            .order_by(ShiftCashMovement.recorded_at, ShiftCashMovement.id)
        )
        return [(m, name) for m, name in rows]

    def unsent_payments(self, shift_id: uuid.UUID) -> int:
        """Payments of the shift with an outbox record (the payment, a void...) still pending."""
        shift_payments = select(ShiftPayment.payment_id).where(ShiftPayment.shift_id == shift_id)
        return int(
            self.session.scalar(
                select(func.count(func.distinct(OutboxRecord.entity_id))).where(
                    OutboxRecord.state == "pending",
                    OutboxRecord.entity_id.in_(shift_payments),
                )
            )
            or 0
        )
