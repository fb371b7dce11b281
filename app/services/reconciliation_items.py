"""The counter's side of reconciliation: what should reach the bank, and online payments stuck."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.domain.payments import PaymentStatus
from app.domain.reconciliation import CounterItem, ItemKind
from app.services.unit_of_work import UnitOfWork

TRANSFER_KINDS = ("transfer", "cheque")
STUCK = (PaymentStatus.PENDING.value, PaymentStatus.FAILED.value)
SETTLEMENT_LAG_DAYS = 10  # a card payment settles within this many days of being taken


@dataclass(frozen=True)
class PaymentException:
    """An online payment Pending or Failed for longer than the settings allow."""

    payment_number: str
    status: str
    amount_minor: int
    currency: str
    recorded_at: datetime
    hours: int


def counter_items(uow: UnitOfWork, since: date, until: date) -> list[CounterItem]:
    """Every deposit the counter expects at the bank between those business days."""
    zone = uow.settings().zone
    start = datetime.combine(since, time.min, zone).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, zone).astimezone(UTC)
    repo = uow.reconciliation
    items: list[CounterItem] = []
    for movement, shift_number in repo.bank_drops(start, end):
        items.append(
            CounterItem(
                f"drop:{movement.id}",
                ItemKind.CASH_DROP,
                movement.recorded_at.astimezone(zone).date(),
                movement.amount_minor,
                (shift_number,),
                f"Cash drop, shift {shift_number}: {movement.reason}",
            )
        )
    for shift in repo.closed_shifts(start, end):
        banked = (shift.counted_cash_minor or 0) - shift.opening_float_minor
        if banked > 0 and shift.closed_at is not None:  # the float stays in the drawer
            items.append(
                CounterItem(
                    f"shift:{shift.id}",
                    ItemKind.SHIFT_CASH,
                    shift.closed_at.astimezone(zone).date(),
                    banked,
                    (shift.number,),
                    f"Shift {shift.number} cash at close",
                )
            )
    items.extend(_card_days(uow, since, until))
    for payment, account in repo.payments_of_kinds(TRANSFER_KINDS, since, until):
        items.append(
            CounterItem(
                f"payment:{payment.id}",
                ItemKind.PAYMENT,
                payment.payment_date,
                payment.amount_minor,
                (
                    payment.receipt_number,
                    payment.payment_number,
                    payment.transaction_number,
                    account,
                ),
                f"{payment.method} {payment.receipt_number} ({account})",
            )
        )
    return sorted(items, key=lambda i: (i.on, i.kind, i.key))


def _card_days(uow: UnitOfWork, since: date, until: date) -> list[CounterItem]:
    """Card payments grouped by the day they settle: the acquirer pays one sum a day."""
    zone = uow.settings().zone
    days: dict[date, list[int]] = defaultdict(list)
    taken_from = since - timedelta(days=SETTLEMENT_LAG_DAYS)
    for payment, _account in uow.reconciliation.payments_of_kinds(("card",), taken_from, until):
        day = (
            payment.settled_at.astimezone(zone).date()
            if payment.settled_at is not None
            else payment.payment_date
        )
        if since <= day <= until:
            days[day].append(payment.amount_minor)
    return [
        CounterItem(
            f"card:{day.isoformat()}",
            ItemKind.CARD_DAY,
            day,
            sum(amounts),
            (),
            f"Card settlement {day.isoformat()} ({len(amounts)} payment"
            f"{'' if len(amounts) == 1 else 's'})",
        )
        for day, amounts in sorted(days.items())
    ]


def payment_exceptions(uow: UnitOfWork) -> list[PaymentException]:
    """Online payments still Pending or Failed after the alert threshold (spec: processing
    error alerts): the gateway lost them, or the consumer's money is somewhere unaccounted."""
    settings = uow.settings()
    now = uow.now()
    before = now - timedelta(hours=settings.payment_alert_hours)
    return [
        PaymentException(
            payment.payment_number,
            payment.status,
            payment.amount_minor,
            payment.currency,
            payment.recorded_at,
            int((now - payment.recorded_at).total_seconds() // 3600),
        )
        for payment in uow.reconciliation.stuck_online(STUCK, before)
    ]
