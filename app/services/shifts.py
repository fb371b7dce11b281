"""Open a shift, put cash in or take it out, and see where the drawer stands."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.db.tables import Shift, ShiftCashMovement, User
from app.domain import shifts as rules
from app.domain.changes import Area, Changes, areas
from app.domain.documents import CashMovement
from app.domain.errors import NotFound, UserFacingError
from app.domain.ids import new_id
from app.domain.money import format_money, parse_amount
from app.domain.roles import PERMISSIONS
from app.domain.settings import METHOD_KINDS
from app.domain.shifts import MethodTakings, MovementKind, ShiftStatus
from app.services.actors import Actor, actor_for
from app.services.unit_of_work import UnitOfWork

Amount = str | Decimal | int
CHANGES = areas(Area.SHIFT)
NO_SHIFT = "Open a shift before recording payments."
APPROVE = "approve_shift_difference"


@dataclass(frozen=True)
class ShiftView:
    """A shift as the screens and the command line show it, with its running totals."""

    shift_id: uuid.UUID
    number: str
    status: ShiftStatus
    terminal_code: str
    cashier_username: str
    cashier: str
    currency: str
    opened_at: datetime
    closed_at: datetime | None
    opening_float_minor: int
    movements: tuple[CashMovement, ...]
    takings: tuple[MethodTakings, ...]
    unsent_payments: int
    changes: Changes = field(default=CHANGES)

    @property
    def cash_in_minor(self) -> int:
        return sum(m.amount_minor for m in self.movements if m.amount_minor > 0)

    @property
    def cash_out_minor(self) -> int:
        return -sum(m.amount_minor for m in self.movements if m.amount_minor < 0)

    @property
    def payments(self) -> int:
        return sum(t.payments for t in self.takings)

    @property
    def taken_minor(self) -> int:
        return sum(t.amount_minor for t in self.takings)

    @property
    def expected_cash_minor(self) -> int:
        return rules.expected_cash(
            opening_float_minor=self.opening_float_minor,
            cash_taken_minor=sum(t.amount_minor for t in self.takings if t.kind == "cash"),
            cash_in_minor=self.cash_in_minor,
            cash_out_minor=self.cash_out_minor,
        )


def open_shift(uow: UnitOfWork, *, opening_float: Amount, username: str | None) -> ShiftView:
    """Start the signed-in cashier's shift on this terminal with the cash put in the drawer."""
    with uow:
        actor = actor_for(uow, username, "work_shift")
        settings = uow.settings()
        float_minor = rules.check_float(
            parse_amount(opening_float, settings.currency, field="Opening float")
        )
        current = open_shift_row(uow)
        if current is not None:
            who = _user(uow, current.cashier_id)
            raise UserFacingError(
                f"Shift {current.number} of {who.full_name} is still open on this terminal: "
                "close it first."
            )
        terminal = uow.terminal()
        # Shifts are never deleted and opening one holds the writer lock, so counting them
        # numbers the next one gap-free (and the number is UNIQUE besides).
        sequence = 1 + uow.shifts.count_on(terminal.id)
        shift = Shift(
            id=new_id(),
            terminal_id=terminal.id,
            number=rules.SHIFT_NUMBER_FORMAT.render(
                sequence=sequence, terminal_code=terminal.code, on=uow.today()
            ),
            cashier_id=actor.user_id,
            status=ShiftStatus.OPEN.value,
            currency=settings.currency,
            opening_float_minor=float_minor,
            opened_at=uow.now(),
        )
        uow.shifts.add(shift)
        snapshot = shift_snapshot(shift)
        uow.audit(
            user_id=actor.user_id,
            action="shift.opened",
            entity="shift",
            entity_id=shift.id,
            after=snapshot,
        )
        uow.commit()  # the server learns of the shift once, complete, when it closes
        return shift_view(uow, shift)


def cash_in(
    uow: UnitOfWork, *, amount: Amount, reason: str | None, username: str | None
) -> ShiftView:
    return move_cash(uow, MovementKind.IN, amount=amount, reason=reason, username=username)


def cash_out(
    uow: UnitOfWork, *, amount: Amount, reason: str | None, username: str | None
) -> ShiftView:
    return move_cash(uow, MovementKind.OUT, amount=amount, reason=reason, username=username)


def move_cash(
    uow: UnitOfWork,
    kind: MovementKind,
    *,
    amount: Amount,
    reason: str | None,
    username: str | None,
) -> ShiftView:
    """Cash put into or taken out of the open shift's drawer, with its reason."""
    with uow:
        actor = actor_for(uow, username, "work_shift")
        settings = uow.settings()
        amount_minor = parse_amount(amount, settings.currency, field="Amount")
        text = rules.check_movement(amount_minor, reason)
        shift = require_open_shift(uow, "Open a shift before moving cash in or out.")
        if kind is MovementKind.OUT:
            holds = shift_view(uow, shift).expected_cash_minor
            if amount_minor > holds:
                if (
                    settings.blind_shift_close
                    and actor.role not in PERMISSIONS["approve_shift_difference"]
                ):
                    # A blind close keeps the expected cash from the cashier who counts it.
                    raise UserFacingError(
                        "That is more than the drawer should hold: take out less, or ask a "
                        "supervisor."
                    )
                money = format_money(holds, settings.currency, settings.locale)
                raise UserFacingError(
                    f"The drawer should hold only {money}: that much can be taken out at most."
                )
        movement = ShiftCashMovement(
            id=new_id(),
            shift_id=shift.id,
            direction=kind.value,
            amount_minor=amount_minor,
            reason=text,
            recorded_at=uow.now(),
            recorded_by=actor.user_id,
        )
        uow.shifts.add_movement(movement)
        uow.audit(
            user_id=actor.user_id,
            action=f"shift.cash_{kind.value}",
            entity="shift",
            entity_id=shift.id,
            after={
                "movement_id": str(movement.id),
                "shift_number": shift.number,
                "amount_minor": amount_minor,
                "reason": text,
            },
        )
        uow.commit()
        return shift_view(uow, shift)


def current_shift(uow: UnitOfWork) -> ShiftView | None:
    """This terminal's open shift with its running totals, or None."""
    with uow:
        shift = open_shift_row(uow)
        return None if shift is None else shift_view(uow, shift)


def find_shift(uow: UnitOfWork, number: str | None = None, *, closed: bool = False) -> Shift:
    """A shift by number; without one, this terminal's latest (latest closed, if asked)."""
    with uow:
        wanted = number.strip() if number else None
        shift = uow.shifts.latest(uow.terminal().id, wanted, closed=closed)
        if shift is None:
            missing = "No closed shift yet." if closed else "No shift yet."
            raise NotFound(f"No shift '{number.strip()}'." if number else missing)
        return shift


# -- used by record_payment, in the payment's own transaction -----------------------------
def open_shift_row(uow: UnitOfWork) -> Shift | None:
    return uow.shifts.open_on(uow.terminal().id)


def require_open_shift(uow: UnitOfWork, message: str = NO_SHIFT) -> Shift:
    shift = open_shift_row(uow)
    if shift is None:
        raise UserFacingError(message)
    return shift


def link_payment(uow: UnitOfWork, shift: Shift, payment_id: uuid.UUID) -> None:
    uow.shifts.link_payment(shift.id, payment_id)


# -- reading a shift -----------------------------------------------------------------------
def shift_view(uow: UnitOfWork, shift: Shift) -> ShiftView:
    as_of = shift.closed_at or uow.now()
    cashier = _user(uow, shift.cashier_id)
    return ShiftView(
        shift_id=shift.id,
        number=shift.number,
        status=ShiftStatus(shift.status),
        terminal_code=uow.terminal().code,
        cashier_username=cashier.username,
        cashier=cashier.full_name,
        currency=shift.currency,
        opened_at=shift.opened_at,
        closed_at=shift.closed_at,
        opening_float_minor=shift.opening_float_minor,
        movements=movements(uow, shift.id),
        takings=takings(uow, shift.id, as_of),
        unsent_payments=unsent_payments(uow, shift.id),
    )


def takings(uow: UnitOfWork, shift_id: uuid.UUID, as_of: datetime) -> tuple[MethodTakings, ...]:
    """Payments per method that stood at `as_of`: voided before then, the money went back."""
    rows = uow.shifts.takings(shift_id, as_of)
    found = [MethodTakings(m, k, n, total) for m, k, n, total in rows]
    order = {kind: i for i, kind in enumerate(METHOD_KINDS)}  # cash first, as on the report
    return tuple(sorted(found, key=lambda t: (order.get(t.kind, len(order)), t.method)))


def movements(uow: UnitOfWork, shift_id: uuid.UUID) -> tuple[CashMovement, ...]:
    rows = uow.shifts.movements(shift_id)
    return tuple(
        CashMovement(
            at=m.recorded_at,
            amount_minor=m.amount_minor
            if m.direction == MovementKind.IN.value
            else -m.amount_minor,
            reason=m.reason,
            by=name,
        )
        for m, name in rows
    )


def unsent_payments(uow: UnitOfWork, shift_id: uuid.UUID) -> int:
    """Payments of the shift with an outbox record (the payment, a void...) still pending."""
    return uow.shifts.unsent_payments(shift_id)


def shift_snapshot(shift: Shift) -> dict[str, object]:
    """The shift as the audit log and the server see it."""
    return {
        "id": str(shift.id),
        "terminal_id": str(shift.terminal_id),
        "number": shift.number,
        "cashier_id": str(shift.cashier_id),
        "status": shift.status,
        "currency": shift.currency,
        "opening_float_minor": shift.opening_float_minor,
        "opened_at": shift.opened_at.isoformat(),
        "closed_at": shift.closed_at.isoformat() if shift.closed_at else None,
        "closed_by": str(shift.closed_by) if shift.closed_by else None,
        "approved_by": str(shift.approved_by) if shift.approved_by else None,
        "approval_reasons": shift.approval_reasons,
        "expected_cash_minor": shift.expected_cash_minor,
        "counted_cash_minor": shift.counted_cash_minor,
    }


def _user(uow: UnitOfWork, user_id: uuid.UUID) -> User:
    user = uow.users.get(user_id)
    assert user is not None
    return user


def may_close(actor: Actor, shift: Shift) -> bool:
    """The cashier who opened it, or a supervisor (the cashier went home sick)."""
    return actor.user_id == shift.cashier_id or actor.role in PERMISSIONS[APPROVE]
