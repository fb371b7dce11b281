"""What use cases may ask of a consumer's plans, disputes, circumstances and synced recovery
cases: the interfaces app.db's repositories and the tests' fakes meet."""

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from app.db.queries.dues import ItemRow
from app.db.tables import Bill, ConsumerCircumstances, Dispute, Installment, PaymentPlan
from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry
from app.db.tables.smart_collect_feed import SyncedEscalationStep, SyncedSmartCollectView


class PlanRepository(Protocol):
    def by_number(self, plan_number: str) -> PaymentPlan | None:
        """However it is typed (pp-1042 is PP-1042)."""

    def installments(self, plan_id: uuid.UUID) -> list[Installment]:
        """The plan's installments, by number."""

    def due_installments(
        self, consumer_id: uuid.UUID, plan_numbers: list[str] | None = None
    ) -> list[ItemRow]:
        """The consumer's installments with what was paid and credited (cancelled plans out)."""

    def touched(self, installment_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Installments any payment or credit note was ever put on (voided ones too)."""

    def add(self, plan: PaymentPlan) -> None: ...

    def add_installments(self, rows: Sequence[Installment]) -> None: ...

    def drop_installments(self, plan_id: uuid.UUID, *, keeping: Collection[int]) -> None:
        """Remove the plan's installments except those numbered in `keeping`."""


class DisputeRepository(Protocol):
    def add(self, dispute: Dispute) -> None: ...

    def open_on(
        self,
        *,
        payment_id: uuid.UUID | None,
        bill_id: uuid.UUID | None,
        statuses: Collection[str],
    ) -> uuid.UUID | None:
        """The id of a dispute in one of `statuses` on the payment (or else the bill)."""

    def by_id_prefix(self, hex_prefix: str, limit: int = 2) -> list[Dispute]:
        """Disputes whose id starts with the hex digits given (lower case, no dashes)."""

    def of_consumer(self, consumer_id: uuid.UUID) -> list[Dispute]:
        """The newest first."""

    def on_payment(self, payment_id: uuid.UUID) -> list[Dispute]:
        """The newest first."""

    def bill(self, invoice_number: str) -> Bill | None: ...

    def recent_bills(self, consumer_id: uuid.UUID, limit: int) -> list[str]: ...

    def recent_receipts(self, consumer_id: uuid.UUID, limit: int) -> list[str]: ...


class CircumstancesRepository(Protocol):
    def get(self, consumer_id: uuid.UUID) -> ConsumerCircumstances | None: ...

    def add(self, row: ConsumerCircumstances) -> None: ...


class PlanViewRepository(Protocol):
    """The plan screens' facts as plain rows; `key` and the dictionaries' keys are ids as
    text, the same text for a plan or installment everywhere."""

    def listed(self, search: str = "") -> list[Any]:
        """Rows (id, key, plan_number, created_on, status, frequency, account_number, name)
        whose number, account number or consumer name contains `search`, by plan number."""

    def numbered(self, plan_number: str) -> Any | None: ...

    def of_consumer(self, consumer_id: uuid.UUID) -> list[Any]:
        """Oldest first."""

    def plan(self, plan_id: uuid.UUID) -> PaymentPlan | None: ...

    def dated_payments(self, plan_ids: list[uuid.UUID]) -> dict[str, list[tuple[date, int]]]:
        """Payments on the plans' installments (day, amount), by the installment's key."""

    def credited(self, plan_ids: list[uuid.UUID]) -> dict[str, int]:
        """Credit notes applied to the plans' installments, by the installment's key."""

    def installments(self, plan_ids: list[uuid.UUID]) -> list[Any]:
        """Rows of id and plan_id (keys), number, amount_minor, due_date; by plan and number."""

    def unsettled(self, plan_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Plans whose last change the server has not taken yet: pending, parked or flagged."""

    def parked_reason(self, plan_id: uuid.UUID) -> str | None: ...

    def open_flag(self, kind: str, plan_id: uuid.UUID) -> str | None:
        """The reason of the server's unresolved flag of that kind on the plan."""


class RecoveryFeedRepository(Protocol):
    """The counter's copy of the recovery cases the server published on the sync feed."""

    def any_case(self) -> bool: ...

    def cases(self, statuses: tuple[str, ...] | None = None) -> list[Any]:
        """Plain rows with the case's columns (those in `statuses` only, if given)."""

    def case(self, case_id: str) -> SyncedRecoveryCase | None: ...

    def timeline(self, case_id: str) -> list[SyncedTimelineEntry]:
        """The case's timeline, the newest line first."""

    def smart_collect(self, consumer_id: str) -> SyncedSmartCollectView | None:
        """The consumer's Smart Collect view as the server last published it."""

    def escalation_steps(self, case_id: str) -> list[SyncedEscalationStep]: ...

    def cases_failed_between(self, start: datetime, end: datetime) -> list[Any]:
        """The cases failed in [start, end), each with its analytics facts where known."""

    def last_published(self) -> datetime | None: ...
