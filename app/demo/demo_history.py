"""The demo's payment history: how made-up consumers pay their bills, service charges and
installments (on time or late, in full or in part, keeping or using credit), recorded as the
counter records payments. The builder in app.demo.demo_data is one of these."""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from app.db.unit_of_work import UnitOfWork
from app.demo.sample_data import STAFF
from app.domain.credit_notes import expiry_date
from app.domain.ids import new_id
from app.domain.settings import PaymentMethod

# payer habit: chance to skip a month, chance to pay part, days paid relative to the due date
HABITS = {
    "punctual": (0.02, 0.02, (-12, 0)),
    "late": (0.08, 0.08, (1, 30)),
    "struggling": (0.25, 0.30, (4, 45)),
}
OVERPAY_CHANCE = 0.012
METHOD_WEIGHTS = {"cash": 30, "card": 18, "cheque": 8, "transfer": 12, "wallet": 14}
CHANNELS_BY_KIND = {
    "cash": ("Walk-in", "Walk-in", "Walk-in", "Field Collection"),
    "card": ("Walk-in", "Walk-in", "Phone"),
    "cheque": ("Mail", "Drop Box", "Walk-in"),
    "transfer": ("Phone", "Mail"),
    "wallet": ("Walk-in", "Phone"),
}
HISTORY = {"status": "Posted", "verification": "Verified", "source": "counter"}
HISTORY |= {"settlement_status": "N/A"}


@dataclass
class Item:
    """A bill, service charge or installment while its history is being made up."""

    kind: str  # "bill" | "service" | "installment"
    item_id: uuid.UUID
    generated_on: date
    due_date: date
    outstanding: int


@dataclass
class Credit:
    row: dict[str, Any]
    left: int
    habit: str  # "keep" | "half" | "full": how the consumer uses it on later bills


@dataclass
class Account:
    consumer_id: uuid.UUID
    habit: str
    base_minor: int
    credits: list[Credit] = field(default_factory=list)


class PaymentHistory:
    """Pays made-up items as consumers of each habit do; the rows go into `rows` by table."""

    def __init__(self, uow: UnitOfWork, rng: random.Random) -> None:
        self.uow, self.rng = uow, rng
        self.settings, self.terminal, self.today = uow.settings(), uow.terminal(), uow.today()
        users = {user.username: user.id for user in uow.users.listed()}
        self.cashier, self.manager, self.recovery = (users[s[0]] for s in STAFF)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        kinds = [m.kind for m in self.settings.methods]
        weights = [METHOD_WEIGHTS.get(kind, 10) / kinds.count(kind) for kind in kinds]
        self.method_weights = list(accumulate(weights))
        self.channels = {
            kind: [c for c in CHANNELS_BY_KIND.get(kind, ()) if c in self.settings.channels]
            or [self.settings.default_channel]
            for kind in kinds
        }

    def _pay_series(self, account: Account, kind: str, items: list[Item], stop: date) -> None:
        """Month by month: pay everything open, in full or in part, on time or late, or skip."""
        skip, partial, (early, late) = HABITS[account.habit]
        open_items: list[Item] = []
        last_paid = date.min
        for item in items:
            if kind == "Bill":
                self._use_credit(account, item)
            open_items = [i for i in [*open_items, item] if i.outstanding > 0]
            if not open_items or self.rng.random() < skip:
                continue
            on = item.due_date + timedelta(self.rng.randint(early, late))
            on = max(on, item.generated_on, last_paid + timedelta(1))
            if on >= min(stop, self.today):  # history is strictly the past
                continue
            total = sum(i.outstanding for i in open_items)
            self._pay(account, kind, open_items, on, self._amount(total, partial))
            last_paid = on

    def _pay_services(self, account: Account, items: list[Item]) -> None:
        for item in items:
            on = item.generated_on + timedelta(self.rng.randint(0, 20))
            if self.rng.random() < 0.85 and on < self.today:
                self._pay(account, "Service", [item], on, item.outstanding)

    def _amount(self, total: int, partial: float) -> int:
        roll = self.rng.random()
        if roll < partial and total > 2_000:
            return max(100, int(round(total * self.rng.uniform(0.3, 0.8), -2)))
        if roll < partial + OVERPAY_CHANCE:
            extra = self.rng.choice((500, 1_000, 1_500, 2_000, 2_500, 5_000))
            return total + min(extra, self.settings.overpayment_threshold_minor)
        return total

    def _pay(self, account: Account, kind: str, items: list[Item], on: date, amount: int) -> None:
        """One payment settled oldest-due first, as record_payment settles it."""
        payment_id, left = new_id(), amount
        outstanding = sum(i.outstanding for i in items)
        for item in sorted(items, key=lambda i: i.due_date):
            share = min(left, item.outstanding)
            item.outstanding, left = item.outstanding - share, left - share
            if share > 0:
                self.rows["payment_allocations"].append(
                    {"id": new_id(), "payment_id": payment_id, "amount_minor": share}
                    | target(item)
                    | {"collection_days": (on - item.generated_on).days, "reversal_of": None}
                )
        method = self._method()
        tendered = cash_handed_over(self.rng, amount) if method.is_cash else amount
        cheque = f"Cheque #{self.rng.randint(1001, 9999)}" if method.kind == "cheque" else None
        payment = (
            {"id": payment_id, "terminal_id": self.terminal.id, "consumer_id": account.consumer_id}
            | {"payment_type": kind, "channel": self._channel(method.kind)}
            | {"method": method.name, "method_kind": method.kind}
            | {"currency": self.settings.currency, "amount_minor": amount}
            | {"tendered_minor": tendered, "change_minor": tendered - amount}
            | {"overpaid_minor": left, "outstanding_minor": outstanding, "payment_date": on}
            | {"recorded_at": self._at(on), "recorded_by": self._recorder(kind), "notes": cheque}
            | HISTORY
        )
        self.rows["payments"].append(payment)
        if left:
            self._credit_note(account, payment)

    def _credit_note(self, account: Account, payment: dict[str, Any]) -> None:
        """The overpaid part kept as credit, as the counter does."""
        created_on = payment["payment_date"]
        row = (
            {"id": new_id(), "terminal_id": self.terminal.id, "number": None}
            | {"consumer_id": account.consumer_id, "payment_id": payment["id"]}
            | {"currency": payment["currency"], "amount_minor": payment["overpaid_minor"]}
            | {"reason": "Overpayment", "remarks": "Overpayment kept as credit at the counter"}
            | {"created_by": payment["recorded_by"], "created_at": payment["recorded_at"]}
            | {"created_on": created_on, "status": "Active"}
            | {"expires_on": expiry_date(created_on, self.settings.credit_note_expiry_days)}
        )
        self.rows["credit_notes"].append(row)
        habit = self.rng.choices(("keep", "half", "full"), (35, 25, 40))[0]
        account.credits.append(Credit(row, row["amount_minor"], habit))

    def _use_credit(self, account: Account, bill: Item) -> None:
        """At the billing run, credit the consumer chose to use goes onto the new bill."""
        for credit in account.credits:
            usable = credit.row["created_on"] < bill.generated_on <= credit.row["expires_on"]
            if credit.habit == "keep" or credit.left == 0 or not usable:
                continue
            amount = min(credit.left, bill.outstanding)
            if credit.habit == "half":
                amount, credit.habit = max(1, amount // 2), "keep"
            credit.left, bill.outstanding = credit.left - amount, bill.outstanding - amount
            credit.row["status"] = "Applied" if credit.left == 0 else "Active"
            self.rows["credit_note_applications"].append(
                {"id": new_id(), "credit_note_id": credit.row["id"], "amount_minor": amount}
                | target(bill)
                | {"applied_at": self._at(bill.generated_on), "applied_by": self.manager}
            )

    def _method(self) -> PaymentMethod:
        return self.rng.choices(self.settings.methods, cum_weights=self.method_weights)[0]

    def _channel(self, kind: str) -> str:
        return self.rng.choice(self.channels[kind])

    def _recorder(self, kind: str) -> uuid.UUID:
        if kind == "Installment" and self.rng.random() < 0.7:
            return self.recovery
        staff = (self.cashier, self.manager, self.recovery)
        return self.rng.choices(staff, cum_weights=(85, 95, 100))[0]

    def _at(self, day: date) -> datetime:
        """A moment in business hours at the service center on that day, in UTC."""
        minute = self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
        local = datetime.combine(day, time(minute // 60, minute % 60, self.rng.randint(0, 59)))
        return local.replace(tzinfo=self.settings.zone).astimezone(UTC)


def cash_handed_over(rng: random.Random, amount: int) -> int:
    """Cash is often handed over rounded up to a note."""
    step = rng.choice((0, 0, 100, 500, 1_000, 2_000))
    return amount if step == 0 else -(-amount // step) * step


def target(item: Item) -> dict[str, uuid.UUID | None]:
    return {
        "bill_id": item.item_id if item.kind == "bill" else None,
        "service_charge_id": item.item_id if item.kind == "service" else None,
        "installment_id": item.item_id if item.kind == "installment" else None,
    }
