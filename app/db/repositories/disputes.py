"""Disputes and special circumstances as the counter's dispute use cases read and write them."""

import uuid
from collections.abc import Collection

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.db.tables import Bill, ConsumerCircumstances, Dispute, Payment


class DisputeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, dispute: Dispute) -> None:
        self.session.add(dispute)

    def open_on(
        self,
        *,
        payment_id: uuid.UUID | None,
        bill_id: uuid.UUID | None,
        statuses: Collection[str],
    ) -> uuid.UUID | None:
        """The id of a dispute in one of `statuses` on the payment (or else the bill)."""
        subject = Dispute.payment_id == payment_id if payment_id else Dispute.bill_id == bill_id
        return self.session.scalar(
            select(Dispute.id).where(subject, Dispute.status.in_(list(statuses)))
        )

    def by_id_prefix(self, hex_prefix: str, limit: int = 2) -> list[Dispute]:
        """Disputes whose id starts with the hex digits given (lower case, no dashes)."""
        # SQLite keeps a UUID as its 32 hex digits: a prefix of them finds the row by the index.
        query = select(Dispute).where(type_coerce(Dispute.id, String).like(f"{hex_prefix}%"))
        return list(self.session.scalars(query.limit(limit)))

    def of_consumer(self, consumer_id: uuid.UUID) -> list[Dispute]:
        """The newest first."""
        query = select(Dispute).where(Dispute.consumer_id == consumer_id)
        return list(self.session.scalars(query.order_by(Dispute.opened_at.desc(), Dispute.id)))

    def on_payment(self, payment_id: uuid.UUID) -> list[Dispute]:
        """The newest first."""
        query = select(Dispute).where(Dispute.payment_id == payment_id)
        return list(self.session.scalars(query.order_by(Dispute.opened_at.desc())))

    def bill(self, invoice_number: str) -> Bill | None:
        return self.session.scalar(select(Bill).where(Bill.invoice_number == invoice_number))

    def recent_bills(self, consumer_id: uuid.UUID, limit: int) -> list[str]:
        """The consumer's invoice numbers, the newest bill first."""
        query = select(Bill.invoice_number).where(Bill.consumer_id == consumer_id)
        return list(self.session.scalars(query.order_by(Bill.issued_on.desc()).limit(limit)))

    def recent_receipts(self, consumer_id: uuid.UUID, limit: int) -> list[str]:
        """The consumer's receipt numbers, the newest payment first."""
        query = select(Payment.receipt_number).where(Payment.consumer_id == consumer_id)
        return list(self.session.scalars(query.order_by(Payment.recorded_at.desc()).limit(limit)))


class CircumstancesRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, consumer_id: uuid.UUID) -> ConsumerCircumstances | None:
        return self.session.get(ConsumerCircumstances, consumer_id)

    def add(self, row: ConsumerCircumstances) -> None:
        self.session.add(row)
