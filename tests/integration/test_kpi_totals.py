"""The KPI header's running totals (migration 0019's triggers) always equal a recount of the
payments themselves, whatever happened: payments at this counter (back-dated too), voids,
credit notes made and applied, shift closes, days passing, and other counters' and online
payments arriving by sync, some voided or posted later. Real SQLite files, real services."""

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from app.db.database import Database, open_database
from app.db.migrate import alembic_config
from app.db.tables import Bill, Consumer
from app.domain.errors import UserFacingError
from app.services.credit_notes import apply_credit_note, create_credit_note
from app.services.kpis import collection_kpis
from app.services.record_payment import PaymentRequest, record_payment
from app.services.shift_close import CloseRequest, close_shift
from app.services.shifts import open_shift
from app.services.void_payment import void_payment
from sync.client.apply import apply_changes
from sync.protocol import Change
from tests.support.clock import FakeClock

BILLS = 24
T02 = uuid.UUID("0196a1b2-0000-7000-8000-0000000000b2")

# The definition, straight from the payments: what the header showed before the totals.
RECOUNT = text(
    "SELECT p.payment_date, sum(p.amount_minor), count(*), "
    "coalesce(sum(a.days), 0), coalesce(sum(a.number), 0) FROM payments p LEFT JOIN ("
    "  SELECT payment_id, sum(collection_days) AS days, count(*) AS number"
    "  FROM payment_allocations WHERE reversal_of IS NULL GROUP BY payment_id"
    ") a ON a.payment_id = p.id WHERE p.status = 'Posted' GROUP BY p.payment_date"
)
TOTALS = text(
    "SELECT day, collected_minor, payments, collection_days, allocations FROM kpi_day_totals "
    "WHERE payments != 0 OR collected_minor != 0 OR collection_days != 0 OR allocations != 0"
)


def recount(db: Database) -> dict[str, tuple[int, ...]]:
    with db.read() as uow:
        return {row[0]: tuple(row[1:]) for row in uow.session.execute(RECOUNT)}


def totals(db: Database) -> dict[str, tuple[int, ...]]:
    with db.read() as uow:
        return {row[0]: tuple(row[1:]) for row in uow.session.execute(TOTALS)}


class Counter:
    """One counter file and what the sequence did on it, for later steps to refer to."""

    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db, self.clock = db, clock
        self.receipts: list[str] = []
        self.notes: list[str] = []
        self.pulled: list[dict] = []
        self.seq = 0
        with db.unit_of_work() as uow:
            self.consumer = uow.session.scalar(
                select(Consumer.id).where(Consumer.account_number == "WU-10001")
            )
            for n in range(BILLS):
                issued = date(2025, 1, 1) + timedelta(days=5 * n)
                uow.session.add(
                    Bill(
                        id=uuid.uuid4(),
                        consumer_id=self.consumer,
                        invoice_number=f"INV-KPI-{n:04d}",
                        period_label="Test",
                        amount_minor=5_000 + 137 * n,
                        issued_on=issued,
                        due_date=issued + timedelta(days=15),
                    )
                )
            uow.commit()
        with db.read() as uow:
            self.bills = uow.session.execute(
                select(Bill.invoice_number, Bill.id).order_by(Bill.invoice_number)
            ).all()

    # -- what happens at this counter --------------------------------------------------------
    def pay(self, bill: int, cents: int, days_back: int) -> None:
        invoice = self.bills[bill % len(self.bills)].invoice_number
        today = self.clock().date()
        paid = record_payment(
            self.db.unit_of_work(),
            PaymentRequest(
                "WU-10001",
                "Bill",
                (invoice,),
                "Cash",
                f"{cents // 100}.{cents % 100:02d}",
                paid_on=today - timedelta(days=days_back),
                username="jsmith",
            ),
        )
        self.receipts.append(paid.receipt_number)
        if paid.credit_note is not None:
            self.notes.append(paid.credit_note.number)

    def void(self, which: int) -> None:
        if self.receipts:
            receipt = self.receipts[which % len(self.receipts)]
            void_payment(
                self.db.unit_of_work(), receipt=receipt, reason="Keyed twice", username="mbrown"
            )

    def credit(self, which: int, cents: int) -> None:
        if self.receipts:
            note = create_credit_note(
                self.db.unit_of_work(),
                receipt=self.receipts[which % len(self.receipts)],
                amount=cents,
                reason="Billing Error",
                username="mbrown",
            )
            self.notes.append(note.number)

    def apply_credit(self, which: int, bill: int, cents: int) -> None:
        if self.notes:
            apply_credit_note(
                self.db.unit_of_work(),
                number=self.notes[which % len(self.notes)],
                to=self.bills[bill % len(self.bills)].invoice_number,
                amount=cents,
                username="mbrown",
            )

    def close_and_reopen_shift(self) -> None:
        close_shift(
            self.db.unit_of_work(),
            CloseRequest({100: 1}, {}, "jsmith", supervisor="mbrown", supervisor_pin="2345"),
        )
        open_shift(self.db.unit_of_work(), opening_float="50.00", username="jsmith")

    def next_day(self) -> None:
        self.clock.advance(days=1)

    # -- what arrives from the server --------------------------------------------------------
    def pulled_payment(self, bill: int, cents: int, days_back: int, status: str) -> None:
        """Another counter's payment (or, with no bill, an online one waiting for its
        gateway), as the feed brings it."""
        payment_id = uuid.uuid4()
        number = f"T02-{len(self.pulled) + 1:06d}"
        recorded = self.clock() - timedelta(days=days_back)
        data = {
            "id": str(payment_id),
            "terminal_id": str(T02),
            "terminal_code": "T02",
            "payment_number": f"PAY-{number}",
            "transaction_number": f"TXN-{number}",
            "receipt_number": f"R-{number}",
            "consumer_id": str(self.consumer),
            "payment_type": "Bill",
            "channel": "Walk-in",
            "method": "Cash",
            "currency": "USD",
            "amount_minor": cents,
            "tendered_minor": cents,
            "change_minor": 0,
            "overpaid_minor": 0,
            "payment_date": recorded.date().isoformat(),
            "recorded_at": recorded.isoformat(),
            "recorded_by": None,
            "status": status,
            "notes": None,
            "allocations": [
                {
                    "id": str(uuid.uuid4()),
                    "bill_id": str(self.bills[bill % len(self.bills)].id),
                    "service_charge_id": None,
                    "installment_id": None,
                    "amount_minor": cents,
                    "collection_days": bill % 40,
                    "reversal_of": None,
                }
            ],
        }
        if status == "Pending":  # a gateway's payment: no allocations, no counter numbers
            data |= {"source": "online", "allocations": [], "external_id": number}
            for name in ("terminal_id", "payment_number", "transaction_number", "receipt_number"):
                data.pop(name)
        self.pulled.append(data)
        self.pull(data)

    def pulled_again(self, which: int, status: str) -> None:
        """A later version of a pulled payment: voided at its counter, or posted by its gateway."""
        if not self.pulled:
            return
        data = dict(self.pulled[which % len(self.pulled)])
        if data["status"] == "Voided":
            return  # a void is final
        if status == "Voided":
            data |= {
                "status": "Voided",
                "void_reason": "Wrong account",
                "voided_at": self.clock().isoformat(),
            }
        else:
            data |= {"status": "Posted"}
        self.pulled[which % len(self.pulled)] = data
        self.pull(data)

    def pull(self, data: dict) -> None:
        self.seq += 1
        change = Change(seq=self.seq, entity="payment", key=data["id"], op="upsert", data=data)
        with self.db.unit_of_work() as uow:
            applied = apply_changes(uow.session, [change], uow.terminal().id, now=self.clock())
            assert not applied.failures, applied.failures
            uow.commit()


cents = st.integers(min_value=100, max_value=20_000)
which = st.integers(min_value=0, max_value=50)
STEPS = st.one_of(
    st.tuples(st.just("pay"), which, cents, st.integers(min_value=0, max_value=3)),
    st.tuples(st.just("void"), which),
    st.tuples(st.just("credit"), which, st.integers(min_value=1, max_value=500)),
    st.tuples(st.just("apply_credit"), which, which, st.integers(min_value=1, max_value=500)),
    st.tuples(st.just("close_and_reopen_shift")),
    st.tuples(st.just("next_day")),
    st.tuples(
        st.just("pulled_payment"),
        which,
        cents,
        st.integers(min_value=0, max_value=5),
        st.sampled_from(["Posted", "Voided", "Pending"]),
    ),
    st.tuples(st.just("pulled_again"), which, st.sampled_from(["Voided", "Posted"])),
)


@contextmanager
def counter_from(template: Path) -> Iterator[Counter]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "counter.sqlite"
        shutil.copyfile(template, path)
        clock = FakeClock()
        db = open_database(path, clock)
        try:
            yield Counter(db, clock)
        finally:
            db.close()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=25))
def test_the_totals_equal_a_recount_of_the_payments_after_any_sequence(
    sample_counter: Path, steps: list[tuple]
) -> None:
    with counter_from(sample_counter) as counter:
        for name, *arguments in steps:
            # Refused (nothing written) is part of life: a void too late, credit beyond a payment.
            with contextlib.suppress(UserFacingError):
                getattr(counter, name)(*arguments)
        assert totals(counter.db) == recount(counter.db)


def test_the_header_shows_the_recounted_figures_of_a_month_with_voids_and_pulled_payments(
    sample_counter: Path,
) -> None:
    with counter_from(sample_counter) as counter:
        for n in range(6):
            counter.pay(n, 5_000 + n, days_back=n % 3)
        counter.pulled_payment(7, 4_000, 1, "Posted")
        counter.pulled_payment(8, 3_000, 2, "Pending")
        counter.void(2)
        counter.pulled_again(1, "Posted")  # the gateway's answer came

        kpis = collection_kpis(counter.db.read())
        day = counter.clock().date()
        with counter.db.read() as uow:
            month, count = uow.session.execute(
                text(
                    "SELECT sum(amount_minor), count(*) FROM payments WHERE status = 'Posted' "
                    "AND payment_date BETWEEN :start AND :end"
                ),
                {"start": day.replace(day=1).isoformat(), "end": day.isoformat()},
            ).one()
        assert (kpis.total_collected.value, kpis.payment_count.value) == (month, count)
        assert count == 5 + 1 + 1  # six paid here, one voided; one counter and one online


def test_an_older_file_gets_totals_of_the_payments_it_already_holds(sample_counter: Path) -> None:
    with counter_from(sample_counter) as counter:
        for n in range(4):
            counter.pay(n, 6_000 + n, days_back=n)
        counter.pulled_payment(5, 2_500, 1, "Posted")
        counter.void(0)
        expected = recount(counter.db)
        config = alembic_config()
        with counter.db.writer.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0018")  # as a file made before the totals existed
        path = counter.db.path
        counter.db.close()

        upgraded = open_database(path, counter.clock)
        try:
            assert totals(upgraded) == expected
            assert sum(day[1] for day in expected.values()) == 3 + 1
        finally:
            upgraded.close()
