"""Payments taken offline, for the push benchmark: many cash payments waiting in the outbox.

Recording 100,000 payments one use case at a time takes longer than the push they are built
to measure, so this builder writes them in bulk: new unpaid bills on the first consumers of a
benchmark file, a payment settling each in full with its allocation, and its outbox row - the
same rows, numbers and snapshot (`payment_snapshot`) that record_payment writes, without the
audit events. Raw bulk SQL: a builder, not a use case.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from app.db.database import Database
from app.db.tables import Bill, Consumer, OutboxRecord, Payment, PaymentAllocation
from app.demo.sample_data import SAMPLE_ACCOUNT
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.settings import Settings
from app.services.record_payment import payment_snapshot

SERIES = ("payment", "transaction", "receipt")


@dataclass
class OfflineBatch:
    """What the server must already hold for the payments to be accepted: their consumers and
    bills, as rows shaped like the counter's tables."""

    payments: int = 0
    consumers: list[dict[str, Any]] = field(default_factory=list)
    bills: list[dict[str, Any]] = field(default_factory=list)


def add_offline_payments(
    db: Database, count: int, *, consumers: int = 10_000, sample_too: bool = False
) -> OfflineBatch:
    """`count` pending cash payments, each paying a new bill of one of the first `consumers`
    (the benchmark's own; the spec's John Doe too when `sample_too`)."""
    with db.unit_of_work() as uow:
        cashier = uow.users.by_username("jsmith")
        if cashier is None:
            raise UserFacingError("The benchmark file has no cashier jsmith.")
        settings, terminal, now = uow.settings(), uow.terminal(), uow.now()
        today = uow.today()
        query = select(Consumer).order_by(Consumer.account_number).limit(consumers)
        if not sample_too:
            query = query.where(Consumer.account_number != SAMPLE_ACCOUNT)
        people = list(uow.session.scalars(query))
        if not people:
            raise UserFacingError("The benchmark file has no consumers.")
        numbers = _Numbers(uow.session, terminal.id, settings, terminal.code, today)
        run = new_id().hex[-6:]  # the file is reused: each run's invoices are its own
        bills, payments, allocations, outbox = [], [], [], []
        for k in range(count):
            consumer = people[k % len(people)]
            amount = 1_500 + (k * 37) % 9_000
            bill = Bill(
                id=new_id(),
                consumer_id=consumer.id,
                invoice_number=f"INV-{today.year}-O{run}-{k + 1:07d}",
                period_label="Benchmark",
                amount_minor=amount,
                issued_on=today,
                due_date=today + timedelta(days=15),
            )
            at = now + timedelta(microseconds=k)
            payment = Payment(
                id=new_id(),
                terminal_id=terminal.id,
                **numbers.next(),
                consumer_id=consumer.id,
                payment_type="Bill",
                channel=settings.default_channel,
                method="Cash",
                method_kind="cash",
                currency=settings.currency,
                amount_minor=amount,
                tendered_minor=amount,
                change_minor=0,
                overpaid_minor=0,
                outstanding_minor=amount,
                payment_date=today,
                recorded_at=at,
                recorded_by=cashier.id,
                status="Posted",
                verification="Verified",
                source="counter",
                settlement_status="N/A",
                notes=None,
            )
            allocation = PaymentAllocation(
                id=new_id(),
                payment_id=payment.id,
                bill_id=bill.id,
                amount_minor=amount,
                collection_days=0,
            )
            snapshot = payment_snapshot(payment, [allocation])
            bills.append(_row(bill))
            payments.append(_row(payment))
            allocations.append(_row(allocation))
            outbox.append(_outbox_row(payment.id, snapshot, at))
        for table, rows in (
            (Bill, bills),
            (Payment, payments),
            (PaymentAllocation, allocations),
            (OutboxRecord, outbox),
        ):
            uow.session.execute(insert(table.__table__), rows)  # type: ignore[arg-type]
        numbers.save()
        uow.commit()
    used = {c.id for c in people[: min(count, len(people))]}
    return OfflineBatch(count, [_row(c) for c in people if c.id in used], bills)


def rows_for_server(db: Database, invoices: list[str]) -> OfflineBatch:
    """The bills named and their consumers: what the server must hold before payments of
    them are pushed."""
    with db.read() as uow:
        bills = list(uow.session.scalars(select(Bill).where(Bill.invoice_number.in_(invoices))))
        owners = {bill.consumer_id for bill in bills}
        people = uow.session.scalars(select(Consumer).where(Consumer.id.in_(owners)))
        return OfflineBatch(0, [_row(c) for c in people], [_row(b) for b in bills])


def forget_earlier_runs(db: Database) -> int:
    """Drop the outbox of earlier runs: a reused benchmark file registered with a new server
    would send them all again, to a server that has none of their consumers."""
    with db.unit_of_work() as uow:
        gone = uow.session.connection().exec_driver_sql("DELETE FROM outbox").rowcount
        uow.commit()
    return int(gone or 0)


class _Numbers:
    """Numbers as uow.next_number hands them out, taken in one go and saved once."""

    def __init__(
        self, session: Session, terminal_id: uuid.UUID, settings: Settings, code: str, on: date
    ) -> None:
        self.session, self.terminal_id, self.code, self.on = session, terminal_id, code, on
        self.formats = {series: settings.number_format(series) for series in SERIES}
        if any(fmt.uses_blocks for fmt in self.formats.values()):
            raise UserFacingError("The offline push benchmark needs number formats with {TERM}.")
        self.last = {series: self._last(series) for series in SERIES}

    def _last(self, series: str) -> int:
        found = self.session.execute(
            text(
                "SELECT last_value FROM number_sequences WHERE terminal_id = :t AND series = :s "
                "AND period = :p"
            ),
            {"t": self.terminal_id.hex, "s": series, "p": self.formats[series].period(self.on)},
        ).scalar()
        return int(found or 0)

    def next(self) -> dict[str, str]:
        numbers = {}
        for series, fmt in self.formats.items():
            self.last[series] += 1
            value = fmt.render(sequence=self.last[series], terminal_code=self.code, on=self.on)
            numbers[f"{series}_number"] = value
        return numbers

    def save(self) -> None:
        self.session.execute(
            text(
                "INSERT INTO number_sequences (terminal_id, series, period, last_value) "
                "VALUES (:t, :s, :p, :v) ON CONFLICT (terminal_id, series, period) "
                "DO UPDATE SET last_value = excluded.last_value"
            ),
            [
                {"t": self.terminal_id.hex, "s": s, "p": fmt.period(self.on), "v": self.last[s]}
                for s, fmt in self.formats.items()
            ],
        )


def _row(record: Any) -> dict[str, Any]:
    return {c.key: getattr(record, c.key) for c in record.__table__.columns}


def _outbox_row(payment_id: uuid.UUID, snapshot: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "entity": "payment",
        "entity_id": payment_id,
        "payload_json": json.dumps(snapshot, sort_keys=True, default=str),
        "created_at": at,
        "state": "pending",
        "attempts": 0,
    }
