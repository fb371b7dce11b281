"""Demo data: John Doe plus generated consumers with 18 months of bills and payment history.

Loading twice is refused: when the first generated account (WU-10002) exists, `load_demo`
raises UserFacingError("Demo data is already loaded.") and writes nothing. A builder, not a use
case: the generated rows go in with raw bulk SQL (a staging table per table) for speed.
"""

import math
import random
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from typing import Any

from app.db.database import Database
from app.db.unit_of_work import UnitOfWork
from app.demo.demo_history import HABITS, Account, Item, PaymentHistory
from app.demo.demo_writing import insert_rows, number_references, number_series
from app.demo.sample_data import load_sample
from app.demo.words import demo_words
from app.domain.demo_people import address as _address
from app.domain.demo_people import name_and_email as _name_and_email
from app.domain.demo_people import phone as _phone
from app.domain.demo_people import pick_city as _pick_city
from app.domain.demo_people import pick_segment as _pick_segment
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.progress import Progress, no_progress

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


class _Builder(PaymentHistory):
    """Makes up rows in memory, then numbers them in time order and bulk-inserts them."""

    def __init__(self, uow: UnitOfWork, rng: random.Random) -> None:
        super().__init__(uow, rng)
        self.months = _months_before(self.today, MONTHS)
        self.words = demo_words()
        self.plans: list[tuple[dict[str, Any], list[Item]]] = []

    # -- reference data --------------------------------------------------------------
    def add_consumer(self, number: int) -> None:
        rng = self.rng
        segment, (low, high) = _pick_segment(rng)
        city = _pick_city(rng, self.words)
        status = rng.choices(("Active", "Inactive", "Disconnected"), (95, 3, 2))[0]
        habit = rng.choices(list(HABITS), (62, 28, 10))[0]
        account = Account(new_id(), "struggling" if status == "Disconnected" else habit, 0)
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

    def _bills(self, account: Account, start: int, end: int) -> list[Item]:
        items = []
        for first_day, issued in self.months[start:end]:
            season = 1 + 0.15 * math.cos(2 * math.pi * (first_day.month - 1) / 6)
            amount = round(account.base_minor * season * self.rng.uniform(0.9, 1.1))
            item = Item("bill", new_id(), issued, issued + timedelta(15), amount)
            label = f"{MONTH_NAMES[first_day.month - 1]} {first_day.year}"
            self.rows["bills"].append(
                {"id": item.item_id, "consumer_id": account.consumer_id, "invoice_number": None}
                | {"period_label": label, "amount_minor": amount, "issued_on": issued}
                | {"due_date": item.due_date}
            )
            items.append(item)
        return items

    def _services(self, account: Account, start: int, end: int, stop: date) -> list[Item]:
        fees = [] if start == 0 else [(NEW_CONNECTION, self.months[start][0])]
        first, last = self.months[start][0], min(self.months[end - 1][1], stop)
        for _ in range(self.rng.choices((0, 1, 2, 3), (70, 20, 7, 3))[0]):
            fees.append((self.rng.choice(SERVICE_FEES), _between(self.rng, first, last)))
        items = []
        for (description, amount), on in sorted(fees, key=lambda fee: fee[1]):
            item = Item("service", new_id(), on, on, amount)
            self.rows["service_charges"].append(
                {"id": item.item_id, "consumer_id": account.consumer_id, "reference": None}
                | {"description": description, "amount_minor": amount, "service_date": on}
            )
            items.append(item)
        return items

    def _plan(self, account: Account) -> list[Item]:
        created = _between(self.rng, self.months[-12][0], self.months[-2][1])
        plan: dict[str, Any] = {"id": new_id(), "consumer_id": account.consumer_id}
        plan["plan_number"] = None
        plan |= {"created_on": created, "status": "Active"}
        amount = int(round(account.base_minor * self.rng.uniform(0.6, 1.5), -2))
        items = []
        for number in range(1, self.rng.randint(3, 6) + 1):
            item = Item("installment", new_id(), created, _add_months(created, number), amount)
            self.rows["installments"].append(
                {"id": item.item_id, "plan_id": plan["id"], "number": number}
                | {"amount_minor": amount, "due_date": item.due_date}
            )
            items.append(item)
        self.rows["payment_plans"].append(plan)
        self.plans.append((plan, items))
        return items

    # -- numbering and writing -------------------------------------------------------
    def write(self) -> DemoSummary:
        session = self.uow.session
        number_references(session, self.rows)
        number_series(session, self.terminal, self.settings, self.rows)
        for plan, items in self.plans:
            if all(i.outstanding == 0 for i in items):
                plan["status"] = "Completed"
        tables = [f.name for f in fields(DemoSummary)]  # parents before children
        insert_rows(session, tables, self.rows)
        return DemoSummary(**{name: len(self.rows[name]) for name in tables})


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
