"""Close a shift: count the drawer, reconcile per method, a supervisor's PIN when it is off."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.db.tables import Shift, ShiftDenominationCount, ShiftReconciliation
from app.domain import shifts as rules
from app.domain.changes import Area, Changes
from app.domain.documents import DenominationCount, MethodReconciliation, ShiftReportDocument
from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.money import parse_amount
from app.domain.settings import METHOD_KINDS, Settings
from app.domain.shifts import ApprovalReason, ApprovalRequired, ShiftStatus
from app.services.actors import Actor, actor_for
from app.services.print_queue import PrintJobView
from app.services.shift_report import enqueue_shift_report, shift_report_document
from app.services.shifts import (
    APPROVE,
    CHANGES,
    ShiftView,
    may_close,
    open_shift_row,
    shift_snapshot,
    shift_view,
)
from app.services.supervisor_approval import approving_supervisor
from app.services.unit_of_work import UnitOfWork

Amount = str | Decimal | int


@dataclass(frozen=True)
class CloseRequest:
    cash_counts: Mapping[int, int]  # face value in minor units -> pieces in the drawer
    totals: Mapping[str, Amount]  # method kind or method name -> counted total
    username: str | None
    supervisor: str | None = None
    supervisor_pin: str | None = None


@dataclass(frozen=True)
class CloseFigures:
    """Expected against counted, before anything is written: what the close screen shows."""

    currency: str
    denominations: tuple[DenominationCount, ...]
    reconciliations: tuple[MethodReconciliation, ...]
    off_by_minor: int
    threshold_minor: int
    unsent_payments: int
    reasons: tuple[ApprovalReason, ...]
    reason_texts: tuple[str, ...]

    @property
    def counted_cash_minor(self) -> int:
        return rules.counted_cash(self.denominations)

    @property
    def expected_cash_minor(self) -> int:
        return next((r.expected_minor for r in self.reconciliations if r.method == "Cash"), 0)

    @property
    def difference_minor(self) -> int:
        return sum(r.difference_minor for r in self.reconciliations)


@dataclass(frozen=True)
class ClosedShift:
    number: str
    figures: CloseFigures
    approved_by: str | None
    report: ShiftReportDocument
    print_job: PrintJobView | None
    changes: Changes = field(default=CHANGES | {Area.PRINT_QUEUE})


def close_figures(
    settings: Settings,
    shift: ShiftView,
    cash_counts: Mapping[int, int],
    totals: Mapping[str, Amount],
    *,
    registered: bool = True,
) -> CloseFigures:
    """Reconcile what was counted with what the shift took; pure, so screens call it as
    the cashier types and the close checks the very same numbers again.

    `registered`: whether the counter sends to a server. A standalone counter's payments
    have nowhere to go, so waiting payments are no reason to call a supervisor."""
    currency = shift.currency
    count = rules.cash_count(currency, cash_counts)
    counted = {"cash": rules.counted_cash(count), **counted_totals(settings, currency, totals)}
    kinds = [k for k in METHOD_KINDS if any(m.kind == k for m in settings.methods)]
    rows = rules.reconcile(
        kinds=kinds,
        takings=shift.takings,
        expected_cash_minor=shift.expected_cash_minor,
        counted=counted,
    )
    off_by = rules.total_difference(rows)
    threshold = settings.shift_difference_threshold_minor
    reasons = rules.approval_reasons(
        off_by_minor=off_by,
        threshold_minor=threshold,
        unsent_payments=shift.unsent_payments if registered else 0,
    )
    texts = tuple(
        rules.approval_text(
            r,
            off_by_minor=off_by,
            threshold_minor=threshold,
            unsent_payments=shift.unsent_payments,
            currency=currency,
            locale=settings.locale,
        )
        for r in reasons
    )
    return CloseFigures(
        currency, count, rows, off_by, threshold, shift.unsent_payments, reasons, texts
    )


def counted_totals(settings: Settings, currency: str, totals: Mapping[str, Amount]) -> dict:
    """Totals typed per method kind ('card') or method name ('Credit Card'), summed per kind."""
    by_kind: dict[str, int] = {}
    for key, amount in totals.items():
        kind = _kind_of(settings, key)
        minor = parse_amount(amount, currency, field=f"{rules.kind_label(kind)} total")
        if minor < 0:
            raise UserFacingError(f"The {rules.kind_label(kind).lower()} total cannot be negative.")
        by_kind[kind] = by_kind.get(kind, 0) + minor
    return by_kind


def _kind_of(settings: Settings, key: str) -> str:
    text = key.strip().casefold()
    kind = next((k for k in METHOD_KINDS if k == text), None)
    if kind is None:
        kind = next((m.kind for m in settings.methods if m.name.casefold() == text), None)
    if kind is None:
        kinds = ", ".join(k for k in METHOD_KINDS if k != "cash")
        raise UserFacingError(f"Unknown payment method '{key.strip()}'. Use one of: {kinds}.")
    if kind == "cash":
        raise UserFacingError("Count cash note by note (100x2, 20x5), not as one total.")
    return kind


def close_shift(uow: UnitOfWork, request: CloseRequest) -> ClosedShift:
    """Close this terminal's open shift as counted. In the writer's transaction, so a payment
    recorded a moment earlier is in the figures and one a moment later is refused."""
    with uow:
        actor = actor_for(uow, request.username, "work_shift")
        settings = uow.settings()
        shift = open_shift_row(uow)
        if shift is None:
            raise UserFacingError("There is no open shift on this terminal.")
        view = shift_view(uow, shift)
        if not may_close(actor, shift):
            raise PermissionDenied(
                f"Shift {shift.number} is {view.cashier}'s: only they or a supervisor may close it."
            )
        figures = close_figures(
            settings,
            view,
            request.cash_counts,
            request.totals,
            registered=registered_with_server(uow),
        )
        approver = None
        if request.supervisor or request.supervisor_pin:
            approver = _approver(uow, request.supervisor, request.supervisor_pin, actor)
        if figures.reasons and approver is None:
            raise ApprovalRequired(
                " ".join(figures.reason_texts) + " A supervisor must approve with their PIN.",
                figures.reasons,
                figures.reason_texts,
            )
        _write_close(uow, shift, actor, figures, approver if figures.reasons else None)
        report = shift_report_document(uow, shift.number)
        job = enqueue_shift_report(uow, report, user_id=actor.user_id)
        uow.commit()
        return ClosedShift(
            number=shift.number,
            figures=figures,
            approved_by=report.approved_by,
            report=report,
            print_job=job,
        )


def counter_registered(uow: UnitOfWork) -> bool:
    """Whether this counter was ever registered with a central server (the close screen
    asks, to say whether unsent payments need a supervisor)."""
    with uow:
        return registered_with_server(uow)


def registered_with_server(uow: UnitOfWork) -> bool:
    """Registration stores the server's address; a counter without one is standalone."""
    url = uow.sync_state.server_url()
    return bool(url)


def _approver(uow: UnitOfWork, username: str | None, pin: str | None, actor: Actor) -> Actor:
    """The supervisor whose PIN approves the close: never the person closing it."""
    return approving_supervisor(
        uow,
        username,
        pin,
        actor,
        action=APPROVE,
        not_self="A supervisor other than the person closing the shift must approve.",
    )


def _write_close(
    uow: UnitOfWork, shift: Shift, actor: Actor, figures: CloseFigures, approver: Actor | None
) -> None:
    before = {"status": shift.status}
    counts = [
        ShiftDenominationCount(
            shift_id=shift.id, value_minor=c.value_minor, label=c.label, count=c.count
        )
        for c in figures.denominations
    ]
    kinds = {rules.kind_label(k): k for k in METHOD_KINDS}
    reconciliations = [
        ShiftReconciliation(
            shift_id=shift.id,
            method_kind=kinds.get(r.method, r.method.lower()),
            label=r.method,
            position=position,
            payments=r.payments,
            expected_minor=r.expected_minor,
            counted_minor=r.counted_minor,
        )
        for position, r in enumerate(figures.reconciliations)
    ]
    uow.shifts.add_close_counts(counts, reconciliations)
    shift.status = ShiftStatus.CLOSED.value
    shift.closed_at = uow.now()
    shift.closed_by = actor.user_id
    shift.approved_by = approver.user_id if approver else None
    shift.approval_reasons = ",".join(figures.reasons) or None
    shift.expected_cash_minor = figures.expected_cash_minor
    shift.counted_cash_minor = figures.counted_cash_minor
    shift.unsent_at_close = figures.unsent_payments
    uow.shifts.save(shift)
    snapshot = close_snapshot(shift, figures)
    uow.audit(
        user_id=actor.user_id,
        action="shift.closed",
        entity="shift",
        entity_id=shift.id,
        before=before,
        after=snapshot,
    )
    if approver is not None:
        uow.audit(
            user_id=approver.user_id,
            action="shift.close_approved",
            entity="shift",
            entity_id=shift.id,
            after={
                "shift_number": shift.number,
                "closed_by": str(actor.user_id),
                "reasons": list(figures.reasons),
                "off_by_minor": figures.off_by_minor,
                "threshold_minor": figures.threshold_minor,
                "unsent_payments": figures.unsent_payments,
            },
        )
    uow.enqueue("shift", shift.id, snapshot)


def close_snapshot(shift: Shift, figures: CloseFigures) -> dict[str, object]:
    return {
        **shift_snapshot(shift),
        "unsent_at_close": shift.unsent_at_close,
        "denominations": [
            {"value_minor": c.value_minor, "count": c.count}
            for c in figures.denominations
            if c.count
        ],
        "reconciliations": [
            {
                "method": r.method,
                "payments": r.payments,
                "expected_minor": r.expected_minor,
                "counted_minor": r.counted_minor,
            }
            for r in figures.reconciliations
        ],
    }
