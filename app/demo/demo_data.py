"""Demo data: John Doe plus generated consumers with 18 months of bills and payment history.

Loading twice is refused: when the first generated account (WU-10002) exists, `load_demo`
raises UserFacingError("Demo data is already loaded.") and writes nothing. A builder, not a use
case: the generated rows go in with raw bulk SQL (a staging table per table) for speed.
"""

import math
import random
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from app.db.database import Database
from app.db.tables import Consumer, NumberSequence
from app.db.unit_of_work import UnitOfWork
from app.demo.sample_data import STAFF, load_sample
from app.demo.words import demo_words
from app.domain.credit_notes import expiry_date
from app.domain.demo_people import address as _address
from app.domain.demo_people import name_and_email as _name_and_email
from app.domain.demo_people import phone as _phone
from app.domain.demo_people import pick_city as _pick_city
from app.domain.demo_people import pick_segment as _pick_segment
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.progress import Progress, no_progress
from app.domain.settings import PaymentMethod

FIRST_ACCOUNT = 10002
MONTHS = 18
MAX_CONSUMERS = 200_000
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SERVICE_FEES = (
    ("Reconnection Fee", 7_500),
    ("Late Fee", 2_500),
    ("Meter Test", 4_500),
    ("Returned Cheque Fee", 3_500),
    ("Meter Relocation", 12_000),
    ("Service Call-out", 6_000),
)
NEW_CONNECTION = ("New Connection", 15_000)
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


@dataclass(frozen=True)
class DemoSummary:
    consumers: int
    bills: int
    service_charges: int
    payment_plans: int
    installments: int
    payments: int
    payment_allocations: int
    credit_notes: int
    credit_note_applications: int


def load_demo(
    db: Database, *, consumers: int = 200, seed: int = 7, progress: Progress = no_progress
) -> DemoSummary:
    """John Doe and the staff, then `consumers` generated accounts with their history."""
    if not 0 <= consumers <= MAX_CONSUMERS:
        raise UserFacingError(f"Demo consumers must be between 0 and {MAX_CONSUMERS:,}.")
    load_sample(db)
    with db.unit_of_work() as uow:
        if uow.consumers.by_account_number(f"WU-{FIRST_ACCOUNT}") is not None:
            raise UserFacingError("Demo data is already loaded.")
        builder = _Builder(uow, random.Random(seed))
        for done, number in enumerate(range(FIRST_ACCOUNT, FIRST_ACCOUNT + consumers), 1):
            builder.add_consumer(number)
            if done % 500 == 0 or done == consumers:
                progress("Generating consumers", done, consumers)
        progress("Writing the database", 0)
        summary = builder.write()
        facts = {**asdict(summary), "seed": seed}
        here = uow.terminal().id
        uow.audit(user_id=None, action="demo.loaded", entity="demo", entity_id=here, after=facts)
        uow.commit()
    return summary


@dataclass
class _Item:
    """A bill, service charge or installment while its history is being made up."""

    kind: str  # "bill" | "service" | "installment"
    item_id: uuid.UUID
    generated_on: date
    due_date: date
    outstanding: int


@dataclass
class _Credit:
    row: dict[str, Any]
    left: int
    habit: str  # "keep" | "half" | "full": how the consumer uses it on later bills


@dataclass
class _Account:
    consumer_id: uuid.UUID
    habit: str
    base_minor: int
    credits: list[_Credit] = field(default_factory=list)


class _Builder:
    """Makes up rows in memory, then numbers them in time order and bulk-inserts them."""

    def __init__(self, uow: UnitOfWork, rng: random.Random) -> None:
        self.uow, self.rng = uow, rng
        self.settings, self.terminal, self.today = uow.settings(), uow.terminal(), uow.today()
        self.months = _months_before(self.today, MONTHS)
        users = {user.username: user.id for user in uow.users.listed()}
        self.cashier, self.manager, self.recovery = (users[s[0]] for s in STAFF)
        self.words = demo_words()
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.plans: list[tuple[dict[str, Any], list[_Item]]] = []
        kinds = [m.kind for m in self.settings.methods]
        weights = [METHOD_WEIGHTS.get(kind, 10) / kinds.count(kind) for kind in kinds]
        self.method_weights = list(accumulate(weights))
        self.channels = {
            kind: [c for c in CHANNELS_BY_KIND.get(kind, ()) if c in self.settings.channels]
            or [self.settings.default_channel]
            for kind in kinds
        }

    # -- reference data --------------------------------------------------------------
    def add_consumer(self, number: int) -> None:
        rng = self.rng
        segment, (low, high) = _pick_segment(rng)
        city = _pick_city(rng, self.words)
        status = rng.choices(("Active", "Inactive", "Disconnected"), (95, 3, 2))[0]
        habit = rng.choices(list(HABITS), (62, 28, 10))[0]
        account = _Account(new_id(), "struggling" if status == "Disconnected" else habit, 0)
        account.base_minor = rng.randint(low, high)
        name, email = _name_and_email(rng, self.words, segment, city[0])
        start = 0 if rng.random() < 0.95 else rng.randint(1, 12)
        end = MONTHS if status != "Inactive" else rng.randint(start + 3, MONTHS - 2)
        self.rows["consumers"].append(
            {"id": account.consumer_id, "account_number": f"WU-{number}", "name": name}
            | {
                "service_address": _address(rng, self.words, city),
                "email": email,
                "timezone": city[4],
            }
            | {"phone": None if rng.random() < 0.04 else _phone(rng, city[3])}
            | {"segment": segment, "status": status}
            | {"created_at": self._at(self.months[start][0] - timedelta(rng.randint(20, 3000)))}
        )
        stop = self.months[-4][1] if status == "Disconnected" else self.today
        self._pay_series(account, "Bill", self._bills(account, start, end), stop)
        self._pay_services(account, self._services(account, start, end, stop))
        if status == "Active" and rng.random() < 0.05:
            self._pay_series(account, "Installment", self._plan(account), self.today)

    def _bills(self, account: _Account, start: int, end: int) -> list[_Item]:
        items = []
        for first_day, issued in self.months[start:end]:
            season = 1 + 0.15 * math.cos(2 * math.pi * (first_day.month - 1) / 6)
            amount = round(account.base_minor * season * self.rng.uniform(0.9, 1.1))
            item = _Item("bill", new_id(), issued, issued + timedelta(15), amount)
            label = f"{MONTH_NAMES[first_day.month - 1]} {first_day.year}"
            self.rows["bills"].append(
                {"id": item.item_id, "consumer_id": account.consumer_id, "invoice_number": None}
                | {"period_label": label, "amount_minor": amount, "issued_on": issued}
                | {"due_date": item.due_date}
            )
            items.append(item)
        return items

    def _services(self, account: _Account, start: int, end: int, stop: date) -> list[_Item]:
        fees = [] if start == 0 else [(NEW_CONNECTION, self.months[start][0])]
        first, last = self.months[start][0], min(self.months[end - 1][1], stop)
        for _ in range(self.rng.choices((0, 1, 2, 3), (70, 20, 7, 3))[0]):
            fees.append((self.rng.choice(SERVICE_FEES), _between(self.rng, first, last)))
        items = []
        for (description, amount), on in sorted(fees, key=lambda fee: fee[1]):
            item = _Item("service", new_id(), on, on, amount)
            self.rows["service_charges"].append(
                {"id": item.item_id, "consumer_id": account.consumer_id, "reference": None}
                | {"description": description, "amount_minor": amount, "service_date": on}
            )
            items.append(item)
        return items

    def _plan(self, account: _Account) -> list[_Item]:
        created = _between(self.rng, self.months[-12][0], self.months[-2][1])
        plan: dict[str, Any] = {"id": new_id(), "consumer_id": account.consumer_id}
        plan["plan_number"] = None
        plan |= {"created_on": created, "status": "Active"}
        amount = int(round(account.base_minor * self.rng.uniform(0.6, 1.5), -2))
        items = []
        for number in range(1, self.rng.randint(3, 6) + 1):
            item = _Item("installment", new_id(), created, _add_months(created, number), amount)
            self.rows["installments"].append(
                {"id": item.item_id, "plan_id": plan["id"], "number": number}
                | {"amount_minor": amount, "due_date": item.due_date}
            )
            items.append(item)
        self.rows["payment_plans"].append(plan)
        self.plans.append((plan, items))
        return items

    # -- payment history -------------------------------------------------------------
    def _pay_series(self, account: _Account, kind: str, items: list[_Item], stop: date) -> None:
        """Month by month: pay everything open, in full or in part, on time or late, or skip."""
        skip, partial, (early, late) = HABITS[account.habit]
        open_items: list[_Item] = []
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

    def _pay_services(self, account: _Account, items: list[_Item]) -> None:
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

    def _pay(self, account: _Account, kind: str, items: list[_Item], on: date, amount: int) -> None:
        """One payment settled oldest-due first, as record_payment settles it."""
        payment_id, left = new_id(), amount
        outstanding = sum(i.outstanding for i in items)
        for item in sorted(items, key=lambda i: i.due_date):
            share = min(left, item.outstanding)
            item.outstanding, left = item.outstanding - share, left - share
            if share > 0:
                self.rows["payment_allocations"].append(
                    {"id": new_id(), "payment_id": payment_id, "amount_minor": share}
                    | _target(item)
                    | {"collection_days": (on - item.generated_on).days, "reversal_of": None}
                )
        method = self._method()
        tendered = _tendered(self.rng, amount) if method.is_cash else amount
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

    def _credit_note(self, account: _Account, payment: dict[str, Any]) -> None:
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
        account.credits.append(_Credit(row, row["amount_minor"], habit))

    def _use_credit(self, account: _Account, bill: _Item) -> None:
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
                | _target(bill)
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

    # -- numbering and writing -------------------------------------------------------
    def write(self) -> DemoSummary:
        self._number_references()
        self._number_series()
        for plan, items in self.plans:
            if all(i.outstanding == 0 for i in items):
                plan["status"] = "Completed"
        tables = [f.name for f in fields(DemoSummary)]  # parents before children
        connection = self.uow.session.connection()
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB for the indexes
        try:
            for name in tables:
                if self.rows[name]:
                    table = Consumer.metadata.tables[name]
                    _bulk_insert(self.uow.session, table, self.rows[name])
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size or -2000)}")
        return DemoSummary(**{name: len(self.rows[name]) for name in tables})

    def _number_references(self) -> None:
        """INV-/SC-/PP- numbers per year in date order, stepping over ones already taken."""
        for table, column, on, prefix, width in (
            ("bills", "invoice_number", "issued_on", "INV", 6),
            ("service_charges", "reference", "service_date", "SC", 6),
            ("payment_plans", "plan_number", "created_on", "PP", 4),
        ):
            taken = set(self.uow.session.scalars(text(f"SELECT {column} FROM {table}")))
            counters: dict[int, int] = defaultdict(int)
            for row in sorted(self.rows[table], key=lambda r: r[on]):
                year = row[on].year
                while row[column] is None or row[column] in taken:
                    counters[year] += 1
                    row[column] = f"{prefix}-{year}-{counters[year]:0{width}d}"

    def _number_series(self) -> None:
        """Render numbers in time order; leave each sequence at the highest value it used."""
        session, terminal = self.uow.session, self.terminal
        mine = select(NumberSequence).where(NumberSequence.terminal_id == terminal.id)
        last = {(s.series, s.period): s.last_value for s in session.scalars(mine)}
        for table, moment, day, series_list in (
            ("payments", "recorded_at", "payment_date", ("payment", "transaction", "receipt")),
            ("credit_notes", "created_at", "created_on", ("credit_note",)),
        ):
            formats = {series: self.settings.number_format(series) for series in series_list}
            self.rows[table].sort(key=lambda r: r[moment])  # numbers and rowids follow time
            for row in self.rows[table]:
                for series, fmt in formats.items():
                    key = (series, fmt.period(row[day]))
                    last[key] = last.get(key, 0) + 1
                    column = "number" if series == "credit_note" else f"{series}_number"
                    row[column] = fmt.render(
                        sequence=last[key], terminal_code=terminal.code, on=row[day]
                    )
        if not last:  # `demo --consumers 0` on a counter with no sample: nothing numbered
            return
        session.execute(
            text(
                "INSERT INTO number_sequences (terminal_id, series, period, last_value) "
                "VALUES (:terminal_id, :series, :period, :value) "
                "ON CONFLICT (terminal_id, series, period) "
                "DO UPDATE SET last_value = max(last_value, excluded.last_value)"
            ),
            [
                {"terminal_id": terminal.id.hex, "series": s, "period": p, "value": v}
                for (s, p), v in last.items()
            ],
        )


def _bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Encode with the columns' own bind processors, then copy in through a temporary table.

    One INSERT ... SELECT runs the search-index triggers inside a single statement; row by
    row, FTS5 would flush its pending index at every statement (about ten times slower).
    """
    dialect = session.get_bind().dialect
    columns = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in table.c]
    values = [
        tuple(
            row.get(name) if encode is None else encode(row.get(name)) for name, encode in columns
        )
        for row in rows
    ]
    connection = session.connection()
    staging = f"temp.demo_{table.name}"
    connection.exec_driver_sql(f"CREATE TABLE {staging} AS SELECT * FROM main.{table.name} WHERE 0")
    names = ", ".join(name for name, _ in columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {staging} ({names}) VALUES ({marks})", values)
    connection.exec_driver_sql(
        f"INSERT INTO main.{table.name} ({names}) SELECT {names} FROM {staging}"
    )
    connection.exec_driver_sql(f"DROP TABLE {staging}")


def _months_before(today: date, count: int) -> list[tuple[date, date]]:
    """(first day, last day) of the `count` months ending with the month before today."""
    months = []
    first = today.replace(day=1)
    for _ in range(count):
        last = first - timedelta(1)
        first = last.replace(day=1)
        months.append((first, last))
    return months[::-1]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(rng.randint(0, max(0, (last - first).days)))


def _tendered(rng: random.Random, amount: int) -> int:
    """Cash is often handed over rounded up to a note."""
    step = rng.choice((0, 0, 100, 500, 1_000, 2_000))
    return amount if step == 0 else -(-amount // step) * step


def _target(item: _Item) -> dict[str, uuid.UUID | None]:
    return {
        "bill_id": item.item_id if item.kind == "bill" else None,
        "service_charge_id": item.item_id if item.kind == "service" else None,
        "installment_id": item.item_id if item.kind == "installment" else None,
    }
