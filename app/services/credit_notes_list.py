"""The Credit Notes tab and details view: filters, remaining, usage, status, history."""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from sqlalchemy import Select, and_, func, or_, select

from app.db.tables import (
    AuditEvent,
    Bill,
    Consumer,
    CreditNote,
    CreditNoteApplication,
    Installment,
    Payment,
    PaymentPlan,
    ServiceCharge,
    User,
)
from app.db.unit_of_work import UnitOfWork
from app.domain import credit_notes as rules
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.money import parse_amount

MAX_LIMIT = 500
MAX_SEARCH = 100
DECISIONS = {"credit_note.approved": "Approved", "credit_note.rejected": "Rejected"}


@dataclass(frozen=True)
class CreditNoteRow:
    credit_note_id: uuid.UUID
    number: str
    consumer_name: str
    account_number: str
    amount_minor: int
    applied_minor: int
    remaining_minor: int
    usage_percent: Decimal
    currency: str
    reason: str
    status: str
    created_at: datetime
    created_on: date
    expires_on: date
    receipt_number: str
    remarks: str | None
    created_by: str


@dataclass(frozen=True)
class Application:
    applied_at: datetime
    amount_minor: int
    applied_to: str
    applied_by: str


@dataclass(frozen=True)
class Decision:
    """A billing manager's approval or rejection of a note above the approval amount."""

    outcome: str  # Approved or Rejected
    decided_by: str
    decided_at: datetime
    reason: str | None


@dataclass(frozen=True)
class CreditNoteDetails:
    note: CreditNoteRow
    applications: tuple[Application, ...]
    decision: Decision | None = None


def _applied_sum() -> Any:
    return (
        select(func.coalesce(func.sum(CreditNoteApplication.amount_minor), 0))
        .where(CreditNoteApplication.credit_note_id == CreditNote.id)
        .scalar_subquery()
    )


def _joined(query: Select[Any]) -> Select[Any]:
    return query.join(Consumer, Consumer.id == CreditNote.consumer_id).join(
        Payment, Payment.id == CreditNote.payment_id
    )


def _base() -> Select[Any]:
    return _joined(
        select(
            CreditNote,
            Consumer.name,
            Consumer.account_number,
            Payment.receipt_number,
            User.full_name,
            _applied_sum().label("applied"),
        )
    ).outerjoin(User, User.id == CreditNote.created_by)


@dataclass(frozen=True)
class CreditNoteQuery:
    """The Credit Notes tab's search and filters; None or empty means no filter."""

    search: str | None = None  # credit note #, consumer name, account or linked receipt
    status: str | None = None  # All, Active, Applied, Expired, Pending Approval, Rejected...
    account_number: str | None = None  # one consumer, chosen from the suggestions
    consumer: str | None = None  # name or account as typed, partial
    created: str | None = None  # Today, This Week, This Month, Custom (with the dates)
    date_from: date | None = None
    date_to: date | None = None
    reasons: tuple[str, ...] = ()
    remaining: str | None = None  # Fully Used, Partial, Full
    receipt_number: str | None = None  # linked payment, partial
    amount_min: str | Decimal | int | None = None
    amount_max: str | Decimal | int | None = None


def list_credit_notes(
    uow: UnitOfWork,
    *,
    search: str | None = None,
    status: str | None = None,
    account_number: str | None = None,
    limit: int = 100,
    offset: int = 0,
    created: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    reasons: tuple[str, ...] = (),
    remaining: str | None = None,
    receipt_number: str | None = None,
    amount_min: str | Decimal | int | None = None,
    amount_max: str | Decimal | int | None = None,
) -> list[CreditNoteRow]:
    """Newest first; search on number, consumer name, account or linked receipt."""
    query = CreditNoteQuery(
        search=search,
        status=status,
        account_number=account_number,
        created=created,
        date_from=date_from,
        date_to=date_to,
        reasons=tuple(reasons),
        remaining=remaining,
        receipt_number=receipt_number,
        amount_min=amount_min,
        amount_max=amount_max,
    )
    return find_credit_notes(uow, query, limit=limit, offset=offset)


def find_credit_notes(
    uow: UnitOfWork,
    query: CreditNoteQuery,
    *,
    limit: int = 100,
    offset: int = 0,
    oldest_first: bool = False,
) -> list[CreditNoteRow]:
    """One page of credit notes matching every filter, all of it decided in SQL."""
    if not 1 <= limit <= MAX_LIMIT:
        raise UserFacingError(f"A page holds 1 to {MAX_LIMIT} credit notes.")
    with uow:
        today = uow.today()
        order = (
            (CreditNote.created_at, CreditNote.number)
            if oldest_first
            else (CreditNote.created_at.desc(), CreditNote.number.desc())
        )
        statement = _base().where(*_where(uow, query, today)).order_by(*order)
        rows = uow.session.execute(statement.limit(limit).offset(offset)).all()
        return [_row(r, today) for r in rows]


def count_credit_notes(uow: UnitOfWork, query: CreditNoteQuery) -> int:
    with uow:
        where = _where(uow, query, uow.today())
        statement = _joined(select(func.count(CreditNote.id))).where(*where)
        return int(uow.session.scalar(statement) or 0)


def _where(uow: UnitOfWork, query: CreditNoteQuery, today: date) -> list[Any]:
    """Validate the filters (clear messages, nothing run) and turn them into SQL conditions."""
    settings = uow.settings()
    clauses: list[Any] = []
    text = (query.search or "").strip()
    if len(text) > MAX_SEARCH:
        raise UserFacingError(f"A search can be at most {MAX_SEARCH} characters.")
    if text:
        like = f"%{_escaped(text)}%"
        clauses.append(
            or_(
                CreditNote.number.ilike(like, escape="\\"),
                Consumer.name.ilike(like, escape="\\"),
                Consumer.account_number.ilike(like, escape="\\"),
                Payment.receipt_number.ilike(like, escape="\\"),
            )
        )
    status = (query.status or "").strip()
    if status and status.casefold() != "all":
        clauses.extend(_status_clause(CreditNoteStatus.parse(status), today))
    if query.account_number and query.account_number.strip():
        clauses.append(Consumer.account_number == query.account_number.strip())
    consumer = (query.consumer or "").strip()
    if consumer:
        like = f"%{_escaped(consumer)}%"
        clauses.append(
            or_(
                Consumer.name.ilike(like, escape="\\"),
                Consumer.account_number.ilike(like, escape="\\"),
            )
        )
    period = rules.CreatedPeriod.parse(query.created) if query.created else None
    first, last = rules.created_window(
        period,
        today=today,
        date_from=query.date_from,
        date_to=query.date_to,
        first_weekday=Locale.parse(settings.locale).first_week_day,
    )
    if first is not None:
        clauses.append(CreditNote.created_on >= first)
    if last is not None:
        clauses.append(CreditNote.created_on <= last)
    reasons = [r.strip().casefold() for r in query.reasons if r and r.strip()]
    if reasons:
        clauses.append(func.lower(CreditNote.reason).in_(reasons))
    if query.remaining:
        clauses.append(_remaining_clause(rules.RemainingFilter.parse(query.remaining)))
    receipt = (query.receipt_number or "").strip()
    if receipt:
        clauses.append(Payment.receipt_number.ilike(f"%{_escaped(receipt)}%", escape="\\"))
    low = _bound(query.amount_min, "Minimum amount", settings.currency)
    high = _bound(query.amount_max, "Maximum amount", settings.currency)
    rules.check_amount_range(low, high)
    if low is not None:
        clauses.append(CreditNote.amount_minor >= low)
    if high is not None:
        clauses.append(CreditNote.amount_minor <= high)
    return clauses


def _escaped(text: str) -> str:
    """What was typed, matched literally: % and _ are not wildcards to a cashier."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _bound(value: str | Decimal | int | None, field: str, currency: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_amount(value, currency, field=field)


def _remaining_clause(remaining: rules.RemainingFilter) -> Any:
    applied = _applied_sum()
    if remaining is rules.RemainingFilter.FULLY_USED:
        return applied >= CreditNote.amount_minor
    if remaining is rules.RemainingFilter.PARTIAL:
        return and_(applied > 0, applied < CreditNote.amount_minor)
    return applied == 0


def _status_clause(status: CreditNoteStatus, today: date) -> list[Any]:
    if status is CreditNoteStatus.EXPIRED:
        return [CreditNote.status == CreditNoteStatus.ACTIVE.value, CreditNote.expires_on < today]
    if status is CreditNoteStatus.ACTIVE:
        return [CreditNote.status == status.value, CreditNote.expires_on >= today]
    return [CreditNote.status == status.value]


def credit_note_details(uow: UnitOfWork, number: str) -> CreditNoteDetails:
    with uow:
        today = uow.today()
        note = uow.credit_notes.by_number(number)
        row = uow.session.execute(_base().where(CreditNote.id == note.id)).one()
        history = uow.session.execute(
            select(CreditNoteApplication, User.full_name)
            .outerjoin(User, User.id == CreditNoteApplication.applied_by)
            .where(CreditNoteApplication.credit_note_id == note.id)
            .order_by(CreditNoteApplication.applied_at)
        ).all()
        return CreditNoteDetails(
            _row(row, today),
            tuple(
                Application(a.applied_at, a.amount_minor, _target_ref(uow, a), by or "System")
                for a, by in history
            ),
            _decision(uow, note.id),
        )


def _decision(uow: UnitOfWork, credit_note_id: uuid.UUID) -> Decision | None:
    """The latest approval or rejection, as the audit log holds it (who, when, why)."""
    found = uow.session.execute(
        select(AuditEvent.action, AuditEvent.occurred_at, AuditEvent.after_json, User.full_name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(
            AuditEvent.entity == "credit_note",
            AuditEvent.entity_id == str(credit_note_id),
            AuditEvent.action.in_(DECISIONS),
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    action, at, after_json, by = found
    after = json.loads(after_json or "{}")
    return Decision(DECISIONS[action], by or "System", at, after.get("reason"))


def _target_ref(uow: UnitOfWork, application: CreditNoteApplication) -> str:
    session = uow.session
    if application.bill_id:
        return session.get(Bill, application.bill_id).invoice_number  # type: ignore[union-attr]
    if application.service_charge_id:
        charge = session.get(ServiceCharge, application.service_charge_id)
        return charge.reference  # type: ignore[union-attr]
    inst = session.get(Installment, application.installment_id)
    plan = session.get(PaymentPlan, inst.plan_id)  # type: ignore[union-attr]
    return f"{plan.plan_number}/{inst.number}"  # type: ignore[union-attr]


def _row(r: object, today: date) -> CreditNoteRow:
    note, name, account, receipt, created_by, applied = r  # type: ignore[misc]
    status = rules.status_of(
        amount_minor=note.amount_minor,
        applied_minor=applied,
        expires_on=note.expires_on,
        today=today,
        stored=note.status,
    )
    return CreditNoteRow(
        credit_note_id=note.id,
        number=note.number,
        consumer_name=name,
        account_number=account,
        amount_minor=note.amount_minor,
        applied_minor=applied,
        remaining_minor=note.amount_minor - applied,
        usage_percent=rules.usage_percent(applied, note.amount_minor),
        currency=note.currency,
        reason=note.reason,
        status=status.value,
        created_at=note.created_at,
        created_on=note.created_on,
        expires_on=note.expires_on,
        receipt_number=receipt,
        remarks=note.remarks,
        created_by=created_by or "System",
    )
