"""In-memory twins of the read-side repositories: the dashboards' sums, the Credit Notes tab's
filters and the audit log."""

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from app.db.audit import ChainReport
from app.db.queries.analytics import Breakdowns
from app.db.repositories.audit_log import AuditedChange
from app.db.repositories.credit_note_list import CreditNoteFilter, ListedCreditNote, UsedCredit
from app.db.tables import CreditNote, Payment
from app.domain.credit_notes import CreditNoteStatus, RemainingFilter
from app.domain.errors import NotFound
from tests.support.fake_store import Store

_DIMENSION = {"method": "method", "channel": "channel", "type": "payment_type"}


class FakeAnalyticsRepository:
    """The same sums as the SQL, added up over the store's posted payments and items."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _posted(self, start: date, end: date) -> list[Payment]:
        return [
            p
            for p in self.store.payments
            if p.status == "Posted" and start <= p.payment_date <= end
        ]

    def collected(self, start: date, end: date) -> tuple[int, int]:
        posted = self._posted(start, end)
        return sum(p.amount_minor for p in posted), len(posted)

    def due(self, start: date, end: date) -> int:
        return sum(self.due_by_day(start, end).values())

    def collection_days(self, start: date, end: date) -> tuple[int, int]:
        days = [days for _, days in self._allocation_days(start, end)]
        return sum(days), len(days)

    def collection_days_by_bucket(
        self, bucket: str, start: date, end: date
    ) -> dict[date, tuple[int, int]]:
        found: dict[date, tuple[int, int]] = {}
        for day, days in self._allocation_days(start, end):
            key = _bucket_start(bucket, day)
            total, number = found.get(key, (0, 0))
            found[key] = (total + days, number + 1)
        return found

    def by_day(self, start: date, end: date) -> list[tuple[date, int, int]]:
        days: dict[date, list[int]] = defaultdict(list)
        for p in self._posted(start, end):
            days[p.payment_date].append(p.amount_minor)
        return [(day, sum(a), len(a)) for day, a in sorted(days.items())]

    def due_by_day(self, start: date, end: date) -> dict[date, int]:
        days: dict[date, int] = defaultdict(int)
        for item in self.store.items:
            if start <= item.due_date <= end:
                days[item.due_date] += item.amount_minor
        return dict(days)

    def breakdowns(self, dimensions: tuple[str, ...], start: date, end: date) -> Breakdowns:
        users = {u.id: u for u in self.store.users}
        found: Breakdowns = {}
        for dimension in dimensions:
            groups: dict[tuple[str | None, str | None], list[int]] = defaultdict(list)
            for p in self._posted(start, end):
                if dimension == "cashier":
                    user = users.get(p.recorded_by) if p.recorded_by else None
                    key = (user.username, user.full_name) if user else (None, None)
                else:
                    value = getattr(p, _DIMENSION[dimension])
                    key = (value, value)
                groups[key].append(p.amount_minor)
            rows = [(k, label, sum(a), len(a)) for (k, label), a in groups.items()]
            found[dimension] = sorted(rows, key=lambda r: (-r[2], r[1] or ""))
        return found

    def _allocation_days(self, start: date, end: date) -> list[tuple[date, int]]:
        dated = {p.id: p.payment_date for p in self._posted(start, end)}
        return [
            (dated[a.payment_id], a.collection_days or 0)
            for a in self.store.allocations
            if a.payment_id in dated and a.reversal_of is None
        ]


def _bucket_start(bucket: str, day: date) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


class FakeCreditNoteListRepository:
    """The Credit Notes tab's filters, matched in Python the way the SQL matches them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def page(
        self, wanted: CreditNoteFilter, *, limit: int, offset: int, oldest_first: bool = False
    ) -> list[ListedCreditNote]:
        found = [n for n in self._listed() if _matches(n, wanted)]
        found.sort(key=lambda n: (n.note.created_at, n.note.number), reverse=not oldest_first)
        return found[offset : offset + limit]

    def count(self, wanted: CreditNoteFilter) -> int:
        return sum(1 for n in self._listed() if _matches(n, wanted))

    def listed(self, credit_note_id: uuid.UUID) -> ListedCreditNote:
        for listed in self._listed():
            if listed.note.id == credit_note_id:
                return listed
        raise NotFound("No such credit note.")

    def uses(self, credit_note_id: uuid.UUID) -> list[UsedCredit]:
        names = {u.id: u.full_name for u in self.store.users}
        references = {i.item_id: i.reference for i in self.store.items}
        uses = [a for a in self.store.applications if a.credit_note_id == credit_note_id]
        return [
            UsedCredit(
                a.applied_at,
                a.amount_minor,
                references[_item_id(a.bill_id, a.service_charge_id, a.installment_id)],
                names.get(a.applied_by) if a.applied_by else None,
            )
            for a in sorted(uses, key=lambda a: a.applied_at)
        ]

    def _listed(self) -> list[ListedCreditNote]:
        consumers = {c.id: c for c in self.store.consumers}
        receipts = {p.id: p.receipt_number for p in self.store.payments}
        names = {u.id: u.full_name for u in self.store.users}
        return [
            ListedCreditNote(
                note,
                consumers[note.consumer_id].name,
                consumers[note.consumer_id].account_number,
                receipts[note.payment_id],
                names.get(note.created_by) if note.created_by else None,
                self._applied(note),
            )
            for note in self.store.credit_notes
        ]

    def _applied(self, note: CreditNote) -> int:
        return sum(a.amount_minor for a in self.store.applications if a.credit_note_id == note.id)


def _item_id(*columns: uuid.UUID | None) -> uuid.UUID:
    """The one item an application settles (bill, service charge or installment)."""
    return next(c for c in columns if c is not None)


def _matches(listed: ListedCreditNote, wanted: CreditNoteFilter) -> bool:
    note = listed.note

    def has(text: str, *values: str) -> bool:
        return any(text.casefold() in v.casefold() for v in values)

    checks = [
        not wanted.text
        or has(wanted.text, note.number, listed.consumer_name, listed.account_number)
        or has(wanted.text, listed.receipt_number),
        wanted.status is None or _has_status(note, wanted.status, wanted.today),
        not wanted.account_number or listed.account_number == wanted.account_number,
        not wanted.consumer or has(wanted.consumer, listed.consumer_name, listed.account_number),
        wanted.first is None or note.created_on >= wanted.first,
        wanted.last is None or note.created_on <= wanted.last,
        not wanted.reasons or note.reason.lower() in wanted.reasons,
        wanted.remaining is None or _has_remaining(listed, wanted.remaining),
        not wanted.receipt or has(wanted.receipt, listed.receipt_number),
        wanted.low is None or note.amount_minor >= wanted.low,
        wanted.high is None or note.amount_minor <= wanted.high,
    ]
    return all(checks)


def _has_status(note: CreditNote, status: CreditNoteStatus, today: date) -> bool:
    if status is CreditNoteStatus.EXPIRED:
        return note.status == CreditNoteStatus.ACTIVE.value and note.expires_on < today
    if status is CreditNoteStatus.ACTIVE:
        return note.status == status.value and note.expires_on >= today
    return note.status == status.value


def _has_remaining(listed: ListedCreditNote, remaining: RemainingFilter) -> bool:
    applied, amount = listed.applied_minor, listed.note.amount_minor
    if remaining is RemainingFilter.FULLY_USED:
        return applied >= amount
    if remaining is RemainingFilter.PARTIAL:
        return 0 < applied < amount
    return applied == 0


class FakeAuditLogRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def latest(
        self, entity: str, entity_id: object, actions: Collection[str]
    ) -> AuditedChange | None:
        names = {u.id: u.full_name for u in self.store.users}
        for event in reversed(self.store.audit):
            if (
                event.entity == entity
                and str(event.entity_id) == str(entity_id)
                and event.action in actions
            ):
                assert event.at is not None
                by = names.get(event.user_id) if event.user_id else None
                return AuditedChange(event.action, event.at, by, dict(event.after or {}))
        return None

    def verify(self) -> ChainReport:
        """The fake log keeps no hashes: nothing in memory can be tampered with."""
        return ChainReport(checked=len(self.store.audit), broken_at=None, problem=None)
