"""The Credit Notes tab and details view: filters, remaining, usage, status, history."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel import Locale

from app.db.repositories.credit_note_list import CreditNoteFilter, ListedCreditNote
from app.domain import credit_notes as rules
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.money import parse_amount
from app.services.unit_of_work import UnitOfWork

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
        wanted = _filter(uow, query, uow.today())
        found = uow.credit_note_list.page(
            wanted, limit=limit, offset=offset, oldest_first=oldest_first
        )
        return [_row(r, wanted.today) for r in found]


def count_credit_notes(uow: UnitOfWork, query: CreditNoteQuery) -> int:
    with uow:
        return uow.credit_note_list.count(_filter(uow, query, uow.today()))


def _filter(uow: UnitOfWork, query: CreditNoteQuery, today: date) -> CreditNoteFilter:
    """Validate the filters (clear messages, nothing run) into what the repository matches."""
    settings = uow.settings()
    text = (query.search or "").strip()
    if len(text) > MAX_SEARCH:
        raise UserFacingError(f"A search can be at most {MAX_SEARCH} characters.")
    status = (query.status or "").strip()
    chosen = CreditNoteStatus.parse(status) if status and status.casefold() != "all" else None
    period = rules.CreatedPeriod.parse(query.created) if query.created else None
    first, last = rules.created_window(
        period,
        today=today,
        date_from=query.date_from,
        date_to=query.date_to,
        first_weekday=Locale.parse(settings.locale).first_week_day,
    )
    remaining = rules.RemainingFilter.parse(query.remaining) if query.remaining else None
    low = _bound(query.amount_min, "Minimum amount", settings.currency)
    high = _bound(query.amount_max, "Maximum amount", settings.currency)
    rules.check_amount_range(low, high)
    return CreditNoteFilter(
        today=today,
        text=text,
        status=chosen,
        account_number=(query.account_number or "").strip(),
        consumer=(query.consumer or "").strip(),
        first=first,
        last=last,
        reasons=tuple(r.strip().casefold() for r in query.reasons if r and r.strip()),
        remaining=remaining,
        receipt=(query.receipt_number or "").strip(),
        low=low,
        high=high,
    )


def _bound(value: str | Decimal | int | None, field: str, currency: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_amount(value, currency, field=field)


def credit_note_details(uow: UnitOfWork, number: str) -> CreditNoteDetails:
    with uow:
        today = uow.today()
        note = uow.credit_notes.by_number(number)
        return CreditNoteDetails(
            _row(uow.credit_note_list.listed(note.id), today),
            tuple(
                Application(u.applied_at, u.amount_minor, u.applied_to, u.applied_by or "System")
                for u in uow.credit_note_list.uses(note.id)
            ),
            _decision(uow, note.id),
        )


def _decision(uow: UnitOfWork, credit_note_id: uuid.UUID) -> Decision | None:
    """The latest approval or rejection, as the audit log holds it (who, when, why)."""
    found = uow.audit_log.latest("credit_note", credit_note_id, DECISIONS)
    if found is None:
        return None
    return Decision(
        DECISIONS[found.action], found.by or "System", found.occurred_at, found.after.get("reason")
    )


def _row(listed: ListedCreditNote, today: date) -> CreditNoteRow:
    note, applied = listed.note, listed.applied_minor
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
        consumer_name=listed.consumer_name,
        account_number=listed.account_number,
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
        receipt_number=listed.receipt_number,
        remarks=note.remarks,
        created_by=listed.created_by or "System",
    )
