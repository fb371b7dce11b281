"""Users and consumers as the use cases look them up: by user name, by account number."""

import uuid
from datetime import date

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from app.db.queries import consumer_search, dues
from app.db.queries.dues import ItemRow
from app.db.tables import (
    Bill,
    Consumer,
    CreditNote,
    CreditNoteApplication,
    Installment,
    OutboxRecord,
    Payment,
    PaymentPlan,
    ServiceCharge,
    User,
)
from app.domain.credit_notes import CreditNoteStatus

# Lookups every payment makes, built once: SQLAlchemy then reuses their cache keys instead of
# walking each new statement (about a tenth of a payment's Python time).
_BY_USERNAME = select(User).where(User.username == bindparam("username"))
_BY_ACCOUNT = select(Consumer).where(Consumer.account_number == bindparam("account"))


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_username(self, username: str) -> User | None:
        return self.session.scalar(_BY_USERNAME, {"username": username})

    def get(self, user_id: uuid.UUID) -> User | None:
        return self.session.get(User, user_id)

    def add(self, user: User) -> None:
        self.session.add(user)
        self.session.flush()

    def listed(self) -> list[User]:
        """Every user as the settings screen lists them: active first, then by name."""
        return list(
            self.session.scalars(
                select(User).order_by(User.active.desc(), func.lower(User.username))
            )
        )

    def active_count(self, role: str) -> int:
        """How many active users hold this role (the last admin is never disabled)."""
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == role, User.active.is_(True))
            )
            or 0
        )


class ConsumerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_account_number(self, account_number: str) -> Consumer | None:
        return self.session.scalar(_BY_ACCOUNT, {"account": account_number})

    def get(self, consumer_id: uuid.UUID) -> Consumer | None:
        return self.session.get(Consumer, consumer_id)

    def search(self, query: str, limit: int) -> list[Row]:
        """Full-text search over names, accounts, addresses and phones."""
        return list(consumer_search.search(self.session, query, limit))

    def search_like(self, query: str, limit: int) -> list[Row]:
        return list(consumer_search.search_like(self.session, query, limit))

    def items(self, consumer_id: uuid.UUID, refs: list[str] | None = None) -> list[ItemRow]:
        """The consumer's bills, services and installments (only those named, if refs)."""
        return dues.all_items(self.session, consumer_id, refs)

    def items_by_kind(
        self, consumer_id: uuid.UUID, kind: str, refs: list[str] | None = None
    ) -> list[ItemRow]:
        """The consumer's items of one kind (only those named, if refs)."""
        return dues.items_by_kind(self.session, consumer_id, kind, refs)

    def plans(self, consumer_id: uuid.UUID) -> list[PaymentPlan]:
        """The consumer's payment plans, oldest first."""
        return list(
            self.session.scalars(
                select(PaymentPlan)
                .where(PaymentPlan.consumer_id == consumer_id)
                .order_by(PaymentPlan.created_on, PaymentPlan.plan_number)
            )
        )

    def credit_available(self, consumer_id: uuid.UUID, on: date) -> int:
        """What is left of the consumer's Active credit notes not expired on `on`."""
        applied = (
            select(func.coalesce(func.sum(CreditNoteApplication.amount_minor), 0))
            .where(CreditNoteApplication.credit_note_id == CreditNote.id)
            .scalar_subquery()
        )
        total = self.session.scalar(
            select(func.coalesce(func.sum(CreditNote.amount_minor - applied), 0)).where(
                CreditNote.consumer_id == consumer_id,
                CreditNote.status == CreditNoteStatus.ACTIVE.value,
                CreditNote.expires_on >= on,
            )
        )
        return int(total or 0)

    def has_unsent_payments(self, consumer_id: uuid.UUID) -> bool:
        unsent = select(OutboxRecord.entity_id).where(
            OutboxRecord.entity == "payment", OutboxRecord.state != "sent"
        )
        found = self.session.scalar(
            select(Payment.id)
            .where(Payment.consumer_id == consumer_id, Payment.id.in_(unsent))
            .limit(1)
        )
        return found is not None

    # -- who owns a reference a cashier types: (account number, the reference as stored) -----
    def owner_of_bill(self, invoice_number: str) -> tuple[str, str] | None:
        row = self.session.execute(
            select(Consumer.account_number, Bill.invoice_number)
            .join(Consumer, Consumer.id == Bill.consumer_id)
            .where(Bill.invoice_number == invoice_number)
        ).first()
        return None if row is None else (row[0], row[1])

    def owner_of_service(self, reference: str) -> tuple[str, str] | None:
        row = self.session.execute(
            select(Consumer.account_number, ServiceCharge.reference)
            .join(Consumer, Consumer.id == ServiceCharge.consumer_id)
            .where(ServiceCharge.reference == reference)
        ).first()
        return None if row is None else (row[0], row[1])

    def owner_of_plan(self, plan_number: str, installment: int | None) -> tuple[str, str] | None:
        """The plan's owner; with an installment number, only if the plan has that one."""
        query = (
            select(Consumer.account_number, PaymentPlan.plan_number)
            .join(Consumer, Consumer.id == PaymentPlan.consumer_id)
            .where(PaymentPlan.plan_number == plan_number)
        )
        if installment is not None:
            query = query.join(Installment, Installment.plan_id == PaymentPlan.id).where(
                Installment.number == installment
            )
        row = self.session.execute(query).first()
        return None if row is None else (row[0], row[1])
