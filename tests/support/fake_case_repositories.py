"""In-memory plan, plan view, dispute, circumstances and recovery feed repositories for the
FakeUnitOfWork."""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from app.db.queries.dues import ItemRow
from app.db.tables import Bill, ConsumerCircumstances, Dispute, Installment, PaymentPlan
from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry
from tests.support.fake_store import Store


class FakePlanRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def by_number(self, plan_number: str) -> PaymentPlan | None:
        wanted = plan_number.upper()
        return next((p for p in self.store.plans if p.plan_number.upper() == wanted), None)

    def installments(self, plan_id: uuid.UUID) -> list[Installment]:
        rows = [i for i in self.store.installments if i.plan_id == plan_id]
        return sorted(rows, key=lambda i: i.number)

    def due_installments(
        self, consumer_id: uuid.UUID, plan_numbers: list[str] | None = None
    ) -> list[ItemRow]:
        plans = {
            p.id: p
            for p in self.store.plans
            if p.consumer_id == consumer_id
            and p.status != "Cancelled"  # a cancelled plan's installments are not due
            and (plan_numbers is None or p.plan_number.upper() in plan_numbers)
        }
        rows = []
        for i in self.store.installments:
            plan = plans.get(i.plan_id)
            if plan is None:
                continue
            paid = sum(a.amount_minor for a in self.store.allocations if a.installment_id == i.id)
            credited = sum(
                a.amount_minor for a in self.store.applications if a.installment_id == i.id
            )
            rows.append(
                ItemRow(
                    i.id,
                    "installment",
                    f"{plan.plan_number}/{i.number}",
                    f"{plan.plan_number} installment {i.number}",
                    i.due_date,
                    i.due_date,
                    plan.created_on,
                    i.amount_minor,
                    paid,
                    credited,
                )
            )
        return sorted(rows, key=lambda r: (r.due_date, r.reference.split("/")[0], _number(r)))

    def touched(self, installment_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        ids = set(installment_ids)
        used = [a.installment_id for a in self.store.allocations] + [
            a.installment_id for a in self.store.applications
        ]
        return {i for i in used if i in ids}

    def add(self, plan: PaymentPlan) -> None:
        self.store.plans.append(plan)

    def add_installments(self, rows: Sequence[Installment]) -> None:
        self.store.installments.extend(rows)

    def drop_installments(self, plan_id: uuid.UUID, *, keeping: Collection[int]) -> None:
        self.store.installments[:] = [
            i for i in self.store.installments if i.plan_id != plan_id or i.number in keeping
        ]


class FakeDisputeRepository:
    """Bills are the store's items of kind "bill" (their reference is the invoice number)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, dispute: Dispute) -> None:
        self.store.disputes.append(dispute)

    def open_on(
        self,
        *,
        payment_id: uuid.UUID | None,
        bill_id: uuid.UUID | None,
        statuses: Collection[str],
    ) -> uuid.UUID | None:
        for d in self.store.disputes:
            same = d.payment_id == payment_id if payment_id else d.bill_id == bill_id
            if same and d.status in statuses:
                return d.id
        return None

    def by_id_prefix(self, hex_prefix: str, limit: int = 2) -> list[Dispute]:
        return [d for d in self.store.disputes if d.id.hex.startswith(hex_prefix)][:limit]

    def of_consumer(self, consumer_id: uuid.UUID) -> list[Dispute]:
        rows = sorted(
            (d for d in self.store.disputes if d.consumer_id == consumer_id),
            key=lambda d: d.id,
        )
        return sorted(rows, key=lambda d: d.opened_at, reverse=True)

    def on_payment(self, payment_id: uuid.UUID) -> list[Dispute]:
        rows = [d for d in self.store.disputes if d.payment_id == payment_id]
        return sorted(rows, key=lambda d: d.opened_at, reverse=True)

    def bill(self, invoice_number: str) -> Bill | None:
        for item in self.store.items:
            if item.kind == "bill" and item.reference == invoice_number:
                return Bill(
                    id=item.item_id,
                    consumer_id=item.consumer_id,
                    invoice_number=item.reference,
                    period_label=item.description,
                    amount_minor=item.amount_minor,
                    issued_on=item.due_date,
                    due_date=item.due_date,
                )
        return None

    def recent_bills(self, consumer_id: uuid.UUID, limit: int) -> list[str]:
        bills = [i for i in self.store.items if i.kind == "bill" and i.consumer_id == consumer_id]
        bills.sort(key=lambda i: i.due_date, reverse=True)
        return [i.reference for i in bills[:limit]]

    def recent_receipts(self, consumer_id: uuid.UUID, limit: int) -> list[str]:
        paid = [p for p in self.store.payments if p.consumer_id == consumer_id]
        paid.sort(key=lambda p: p.recorded_at, reverse=True)
        return [p.receipt_number for p in paid[:limit]]


class FakeCircumstancesRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, consumer_id: uuid.UUID) -> ConsumerCircumstances | None:
        return next((c for c in self.store.circumstances if c.consumer_id == consumer_id), None)

    def add(self, row: ConsumerCircumstances) -> None:
        self.store.circumstances.append(row)


def _number(row: ItemRow) -> int:
    return int(row.reference.rpartition("/")[2])


@dataclass(frozen=True)
class PlanRow:
    """A plan as the plan screens read it (the real repository's plain columns)."""

    id: uuid.UUID
    key: str
    plan_number: str
    created_on: date
    status: str
    frequency: str | None
    account_number: str
    name: str


@dataclass(frozen=True)
class InstallmentRow:
    id: str  # the installment's key
    plan_id: str  # the plan's key
    number: int
    amount_minor: int
    due_date: date


class FakePlanViewRepository:
    """Ids are keyed by their hex digits, the same for plans and installments everywhere."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _rows(self, plans: list[PaymentPlan]) -> list[PlanRow]:
        consumers = {c.id: c for c in self.store.consumers}
        return [
            PlanRow(
                p.id,
                p.id.hex,
                p.plan_number,
                p.created_on,
                p.status,
                p.frequency,
                consumers[p.consumer_id].account_number,
                consumers[p.consumer_id].name,
            )
            for p in plans
        ]

    def listed(self, search: str = "") -> list[PlanRow]:
        folded = search.casefold()
        rows = [
            r
            for r in self._rows(self.store.plans)
            if folded in r.plan_number.casefold()
            or folded in r.account_number.casefold()
            or folded in r.name.casefold()
        ]
        return sorted(rows, key=lambda r: r.plan_number)

    def numbered(self, plan_number: str) -> PlanRow | None:
        wanted = plan_number.upper()
        return next((r for r in self.listed() if r.plan_number.upper() == wanted), None)

    def of_consumer(self, consumer_id: uuid.UUID) -> list[PlanRow]:
        plans = sorted(
            (p for p in self.store.plans if p.consumer_id == consumer_id),
            key=lambda p: (p.created_on, p.plan_number),
        )
        return self._rows(plans)

    def plan(self, plan_id: uuid.UUID) -> PaymentPlan | None:
        return next((p for p in self.store.plans if p.id == plan_id), None)

    def _installment_ids(self, plan_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        wanted = set(plan_ids)
        return {i.id for i in self.store.installments if i.plan_id in wanted}

    def dated_payments(self, plan_ids: list[uuid.UUID]) -> dict[str, list[tuple[date, int]]]:
        ids = self._installment_ids(plan_ids)
        days = {p.id: p.payment_date for p in self.store.payments}
        found: dict[str, list[tuple[date, int]]] = {}
        for a in self.store.allocations:
            if a.installment_id in ids:
                found.setdefault(a.installment_id.hex, []).append(
                    (days[a.payment_id], a.amount_minor)
                )
        return found

    def credited(self, plan_ids: list[uuid.UUID]) -> dict[str, int]:
        ids = self._installment_ids(plan_ids)
        found: dict[str, int] = {}
        for a in self.store.applications:
            if a.installment_id in ids:
                key = a.installment_id.hex
                found[key] = found.get(key, 0) + a.amount_minor
        return found

    def installments(self, plan_ids: list[uuid.UUID]) -> list[InstallmentRow]:
        wanted = set(plan_ids)
        rows = [
            InstallmentRow(i.id.hex, i.plan_id.hex, i.number, i.amount_minor, i.due_date)
            for i in self.store.installments
            if i.plan_id in wanted
        ]
        return sorted(rows, key=lambda r: (r.plan_id, r.number))

    def unsettled(self, plan_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        wanted = set(plan_ids)
        return {
            o.entity_id: o.state
            for o in self.store.outbox
            if o.entity == "payment_plan"
            and o.state in ("pending", "parked", "flagged")
            and o.entity_id in wanted
        }

    def parked_reason(self, plan_id: uuid.UUID) -> str | None:
        parked = [o for o in self.store.outbox if o.entity_id == plan_id and o.state == "parked"]
        return parked[-1].reason if parked else None

    def open_flag(self, kind: str, plan_id: uuid.UUID) -> str | None:
        return next(
            (
                f.reason
                for f in self.store.sync_flags
                if f.kind == kind and f.entity_id == str(plan_id) and f.resolved_at is None
            ),
            None,
        )


class FakeRecoveryFeedRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def any_case(self) -> bool:
        return bool(self.store.synced_cases)

    def cases(self, statuses: tuple[str, ...] | None = None) -> list[SyncedRecoveryCase]:
        return [c for c in self.store.synced_cases if statuses is None or c.status in statuses]

    def case(self, case_id: str) -> SyncedRecoveryCase | None:
        return next((c for c in self.store.synced_cases if c.id == case_id), None)

    def timeline(self, case_id: str) -> list[SyncedTimelineEntry]:
        lines = [e for e in self.store.synced_timeline if e.case_id == case_id]
        return sorted(lines, key=lambda e: e.position, reverse=True)
