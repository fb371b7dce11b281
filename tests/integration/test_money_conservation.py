"""Random payment sequences on a real file: no money is created or lost; refusals write nothing.

Each Hypothesis example works on its own fresh copy of the sample counter (function-scoped
fixtures are not reset between examples), so one example's payments never leak into the next.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.db.database import Database, open_database
from app.db.queries import dues
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text
from app.services.consumers import find_consumer
from app.services.credit_notes import apply_credit_note
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.clock import FakeClock

ACCOUNT = "WU-10001"
THRESHOLD = 50_000  # the default allowable overpayment, $500.00
ITEMS = {
    "Bill": ("INV-2025-001234", "INV-2025-001567"),
    "Service": ("SC-2025-000101", "SC-2025-000087"),
    "Installment": ("PP-2025-0034/1", "PP-2025-0034/2", "PP-2025-0034/3"),
}
METHODS = ("Cash", "cash", "Credit Card", "Cheque", "Mobile Wallet")


@contextmanager
def fresh_counter(template: Path) -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "counter.sqlite"
        shutil.copyfile(template, path)
        database = open_database(path, FakeClock())
        try:
            yield database
        finally:
            database.close()


# -- what the file says ------------------------------------------------------------------------
SUMS = {
    "allocated": "SELECT coalesce(sum(amount_minor), 0) FROM payment_allocations",
    "credit_used": "SELECT coalesce(sum(amount_minor), 0) FROM credit_note_applications",
    "credit_issued": "SELECT coalesce(sum(amount_minor), 0) FROM credit_notes",
    "received": "SELECT coalesce(sum(amount_minor), 0) FROM payments",
    "overpaid": "SELECT coalesce(sum(overpaid_minor), 0) FROM payments",
    "tendered": "SELECT coalesce(sum(tendered_minor), 0) FROM payments",
    "change": "SELECT coalesce(sum(change_minor), 0) FROM payments",
}
TABLES = (
    "payments",
    "payment_allocations",
    "credit_notes",
    "credit_note_applications",
    "outbox",
    "audit_events",
    "print_jobs",
)
_CREDIT_LEFT = text(
    "SELECT n.number, n.amount_minor - coalesce((SELECT sum(a.amount_minor) "
    "FROM credit_note_applications a WHERE a.credit_note_id = n.id), 0) "
    "FROM credit_notes n WHERE n.status = 'Active' ORDER BY n.number"
)


@dataclass(frozen=True)
class Ledger:
    """One consistent read of everything the property talks about."""

    owed: dict[str, int]  # every item of the sample consumer, paid ones as 0
    billed: int
    sums: dict[str, int]
    rows: dict[str, int]
    sequences: tuple[tuple[object, ...], ...]
    credit_left: dict[str, int]  # active credit notes and what remains of each

    @property
    def footprint(self) -> tuple[object, ...]:
        return (self.owed, self.sums, self.rows, self.sequences)


def ledger(db: Database) -> Ledger:
    with db.read() as uow:
        consumer = find_consumer(uow, ACCOUNT)
        items = dues.all_items(uow.session, consumer.id)
        run = uow.session.execute
        return Ledger(
            owed={r.reference: r.outstanding_minor for r in items},
            billed=sum(r.amount_minor for r in items),
            sums={k: int(run(text(sql)).scalar_one()) for k, sql in SUMS.items()},
            rows={t: int(run(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES},
            sequences=tuple(
                tuple(r)
                for r in run(
                    text("SELECT series, period, last_value FROM number_sequences ORDER BY 1, 2")
                )
            ),
            credit_left={number: int(left) for number, left in run(_CREDIT_LEFT)},
        )


def assert_money_is_conserved(now: Ledger, billed_minor: int) -> None:
    assert all(v >= 0 for v in now.owed.values()), now.owed
    assert now.billed == billed_minor
    sums = now.sums
    assert sum(now.owed.values()) + sums["allocated"] + sums["credit_used"] == billed_minor
    # every cent received went onto an item, into a credit note, or back as change
    assert sums["allocated"] + sums["overpaid"] == sums["received"]
    assert sums["tendered"] == sums["received"] + sums["change"]
    assert sums["credit_issued"] == sums["overpaid"]
    assert sum(now.credit_left.values()) == sums["credit_issued"] - sums["credit_used"]


# -- one step of a sequence --------------------------------------------------------------------
def attempt_a_payment(db: Database, data: st.DataObject, before: Ledger) -> Ledger:
    kind = data.draw(st.sampled_from(sorted(ITEMS)), label="type")
    refs = data.draw(
        st.lists(st.sampled_from(ITEMS[kind]), min_size=1, max_size=len(ITEMS[kind]), unique=True),
        label="items",
    )
    selected = sum(before.owed[r] for r in refs)
    # up to the whole account's balance plus the allowed overpayment, whatever is selected
    ceiling = max(selected, sum(before.owed.values())) + THRESHOLD
    amount = data.draw(
        st.one_of(
            st.just(max(selected, 1)),  # exact
            st.integers(1, max(selected, 1)),  # under
            st.integers(1, ceiling),  # anything the counter accepts
            st.integers(ceiling + 1, ceiling + 10_000),  # above the allowed overpayment
        ),
        label="amount",
    )
    method = data.draw(st.sampled_from(METHODS), label="method")
    is_cash = method.casefold() == "cash"
    tendered = data.draw(
        st.one_of(st.none(), st.integers(amount, amount + 20_000), st.integers(1, amount)),
        label="tendered",
    )
    should_refuse = (
        any(before.owed[r] == 0 for r in refs)
        or amount > ceiling
        or (tendered is not None and (not is_cash or tendered < amount))
    )
    request = PaymentRequest(
        account_number=ACCOUNT,
        payment_type=kind,
        items=tuple(refs),
        method=method,
        amount=decimal_text(amount, "USD"),
        tendered=None if tendered is None else decimal_text(tendered, "USD"),
        username="jsmith",
    )
    try:
        paid = record_payment(db.unit_of_work(), request)
    except UserFacingError as refused:
        note(f"refused: {refused.message}")
        event("payment refused")
        assert should_refuse, f"refused a valid payment: {refused.message}"
        after = ledger(db)
        assert after.footprint == before.footprint
        return after
    assert not should_refuse, "accepted a payment the rules refuse"
    event(f"payment recorded: {paid.analysis.value}")

    after = ledger(db)
    received = amount if tendered is None else tendered
    allocated = after.sums["allocated"] - before.sums["allocated"]
    credit = paid.credit_note.amount_minor if paid.credit_note else 0
    assert allocated + paid.change_minor + credit == received == paid.tendered_minor
    assert allocated == min(amount, selected)
    assert credit == max(0, amount - selected)
    assert paid.change_minor == received - amount
    assert sum(before.owed.values()) - sum(after.owed.values()) == allocated
    untouched = set(before.owed) - set(refs)
    assert {r: after.owed[r] for r in untouched} == {r: before.owed[r] for r in untouched}
    return after


def maybe_apply_credit(db: Database, data: st.DataObject, before: Ledger) -> Ledger:
    unpaid = sorted(r for r, v in before.owed.items() if v > 0)
    if not before.credit_left or not unpaid or not data.draw(st.booleans(), label="use credit"):
        return before
    number = data.draw(st.sampled_from(sorted(before.credit_left)), label="credit note")
    target = data.draw(st.sampled_from(unpaid), label="apply to")
    most = min(before.credit_left[number], before.owed[target])
    use = data.draw(st.integers(1, most), label="credit used")
    applied = apply_credit_note(
        db.unit_of_work(),
        number=number,
        to=target,
        amount=decimal_text(use, "USD"),
        username="jsmith",
    )
    after = ledger(db)
    assert applied.remaining_minor == before.credit_left[number] - use
    assert after.owed[target] == before.owed[target] - use
    return after


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_random_payment_sequences_neither_create_nor_lose_money(sample_counter, data) -> None:
    with fresh_counter(sample_counter) as db:
        now = ledger(db)
        billed_minor = now.billed
        for _ in range(data.draw(st.integers(1, 8), label="payments")):
            now = attempt_a_payment(db, data, now)
            assert_money_is_conserved(now, billed_minor)
            now = maybe_apply_credit(db, data, now)
            assert_money_is_conserved(now, billed_minor)
