"""Demo data on a real SQLite file: John Doe as in the spec, plus a consistent payment history."""

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import audit
from app.db.database import Database, open_database
from app.demo import sample_data
from app.demo.demo_data import DemoSummary, load_demo
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text
from app.domain.payments import PaymentType
from app.services.consumers import search_consumers, unpaid_items
from app.services.record_payment import PaymentRequest, record_payment
from app.services.setup import initialise
from tests.support.clock import FakeClock

CONSUMERS = 20
TODAY = date(2025, 4, 20)  # the FakeClock's business day


@pytest.fixture
def demo(empty_db: Database) -> tuple[Database, DemoSummary]:
    """A fresh demo counter, for tests that write."""
    return empty_db, load_demo(empty_db, consumers=CONSUMERS, seed=7)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    """One demo counter shared by the tests that only read."""
    db = open_database(tmp_path_factory.mktemp("demo") / "counter.sqlite", FakeClock())
    initialise(db, terminal_code="T01")
    yield db, load_demo(db, consumers=CONSUMERS, seed=7)
    db.close()


def rows(db: Database, sql: str, **params: object) -> list:
    with db.read() as uow:
        return list(uow.session.execute(text(sql), params))


def test_john_doe_is_loaded_exactly_as_in_the_sample(shared):
    db, _ = shared
    bills = rows(
        db,
        "SELECT invoice_number, period_label, amount_minor, issued_on, due_date FROM bills b "
        "JOIN consumers c ON c.id = b.consumer_id WHERE c.account_number = 'WU-10001' "
        "ORDER BY invoice_number",
    )
    assert [tuple(r) for r in bills] == [
        (n, p, a, i.isoformat(), d.isoformat()) for n, p, a, i, d in sample_data.BILLS
    ]
    services = rows(
        db,
        "SELECT reference, description, amount_minor, service_date FROM service_charges s "
        "JOIN consumers c ON c.id = s.consumer_id WHERE c.account_number = 'WU-10001' "
        "ORDER BY service_date",
    )
    expected = sorted(sample_data.SERVICES, key=lambda s: s[3])
    assert [tuple(r) for r in services] == [(r, d, a, o.isoformat()) for r, d, a, o in expected]
    plan_number, created_on, installments = sample_data.PLAN
    plan = rows(
        db,
        "SELECT i.number, i.amount_minor, i.due_date FROM installments i "
        "JOIN payment_plans p ON p.id = i.plan_id "
        "WHERE p.plan_number = :plan AND p.created_on = :created ORDER BY i.number",
        plan=plan_number,
        created=created_on.isoformat(),
    )
    assert [tuple(r) for r in plan] == [(n, a, d.isoformat()) for n, a, d in installments]
    paid = rows(
        db,
        "SELECT count(*) FROM payments p JOIN consumers c ON c.id = p.consumer_id "
        "WHERE c.account_number = 'WU-10001'",
    )
    assert paid[0][0] == 0  # the sample's items stay unpaid for the spec's walkthrough


def test_adds_the_requested_number_of_consumers_with_history(shared):
    db, summary = shared
    accounts = [r[0] for r in rows(db, "SELECT account_number FROM consumers ORDER BY 1")]
    assert accounts == ["WU-10001"] + [f"WU-{10002 + i}" for i in range(CONSUMERS)]
    assert summary.consumers == CONSUMERS
    assert summary.bills >= CONSUMERS * 12
    assert summary.payments >= CONSUMERS * 10
    assert summary.credit_notes > 0
    counted = rows(db, "SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM bills)")
    assert tuple(counted[0]) == (summary.payments, summary.bills + len(sample_data.BILLS))


def test_every_payment_balances_and_is_posted_by_staff_at_this_terminal(shared):
    db, _ = shared
    broken = rows(
        db,
        "SELECT p.receipt_number FROM payments p LEFT JOIN payment_allocations a "
        "ON a.payment_id = p.id GROUP BY p.id "
        "HAVING coalesce(sum(a.amount_minor), 0) + p.overpaid_minor != p.amount_minor "
        "OR p.tendered_minor != p.amount_minor + p.change_minor "
        "OR p.status != 'Posted' OR p.verification != 'Verified' "
        "OR p.payment_date >= :today",
        today=TODAY.isoformat(),
    )
    assert broken == []
    strangers = rows(
        db,
        "SELECT count(*) FROM payments p JOIN users u ON u.id = p.recorded_by "
        "JOIN terminals t ON t.id = p.terminal_id "
        "WHERE u.username NOT IN ('jsmith', 'mbrown', 'rpatel') OR t.code != 'T01'",
    )
    assert strangers[0][0] == 0


def test_collection_days_count_from_the_bill_issue_date(shared):
    db, _ = shared
    wrong = rows(
        db,
        "SELECT count(*) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id "
        "JOIN bills b ON b.id = a.bill_id "
        "WHERE a.collection_days != julianday(p.payment_date) - julianday(b.issued_on)",
    )
    assert wrong[0][0] == 0


def test_no_bill_is_paid_or_credited_beyond_its_amount(shared):
    db, _ = shared
    over = rows(
        db,
        "SELECT count(*) FROM bills b WHERE b.amount_minor < "
        "(SELECT coalesce(sum(amount_minor), 0) FROM payment_allocations WHERE bill_id = b.id)"
        " + (SELECT coalesce(sum(amount_minor), 0) FROM credit_note_applications "
        "WHERE bill_id = b.id)",
    )
    assert over[0][0] == 0


def test_overpayments_became_credit_notes_and_their_status_follows_use(shared):
    db, _ = shared
    notes = rows(
        db,
        "SELECT n.reason, n.amount_minor, p.overpaid_minor, n.status, "
        "(SELECT coalesce(sum(amount_minor), 0) FROM credit_note_applications "
        " WHERE credit_note_id = n.id) FROM credit_notes n JOIN payments p ON p.id = n.payment_id",
    )
    assert notes
    for reason, amount, overpaid, status, applied in notes:
        assert (reason, amount) == ("Overpayment", overpaid)
        assert applied <= amount
        assert status == ("Applied" if applied == amount else "Active")
    overpaid_count = rows(db, "SELECT count(*) FROM payments WHERE overpaid_minor > 0")
    assert overpaid_count[0][0] == len(notes)


def test_numbers_are_unique_and_a_new_payment_continues_the_sequence(demo):
    db, summary = demo
    receipts = {r[0] for r in rows(db, "SELECT receipt_number FROM payments")}
    payment_numbers = {r[0] for r in rows(db, "SELECT payment_number FROM payments")}
    assert len(receipts) == len(payment_numbers) == summary.payments
    recorded = record_payment(
        db.unit_of_work(),
        PaymentRequest(
            "WU-10001", "Bill", ("INV-2025-001234",), "Cash", "145.50", username="jsmith"
        ),
    )
    assert recorded.receipt_number not in receipts
    assert recorded.receipt_number == f"R-T01-{summary.payments + 1:04d}"
    assert recorded.payment_number not in payment_numbers


def test_an_unpaid_bill_of_a_generated_consumer_can_be_paid(demo):
    db, _ = demo
    active = rows(db, "SELECT id, account_number FROM consumers WHERE status = 'Active'")
    for consumer_id, account in active:
        if account == "WU-10001":
            continue
        unpaid = unpaid_items(db.read(), uuid.UUID(consumer_id), PaymentType.BILL)
        if unpaid:
            item = unpaid[0]
            request = PaymentRequest(
                account,
                "Bill",
                (item.reference,),
                "Debit Card",
                decimal_text(item.outstanding_minor, "USD"),
                username="jsmith",
            )
            recorded = record_payment(db.unit_of_work(), request)
            assert recorded.outstanding_minor == sum(i.outstanding_minor for i in unpaid[:1])
            return
    pytest.fail("no generated consumer has an unpaid bill")


def test_search_finds_a_generated_consumer_by_part_of_the_name(shared):
    db, _ = shared
    account, name = rows(
        db, "SELECT account_number, name FROM consumers WHERE account_number = 'WU-10005'"
    )[0]
    fragment = name.split()[0][1:5] if len(name.split()[0]) >= 4 else name[:4]
    hits = search_consumers(db.read(), fragment, limit=500)
    assert account in {h.account_number for h in hits}


def test_the_file_is_intact_and_the_audit_chain_holds(shared):
    db, _ = shared
    assert rows(db, "PRAGMA integrity_check")[0][0] == "ok"
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert rows(db, "SELECT count(*) FROM audit_events WHERE action = 'demo.loaded'")[0][0] == 1
    assert rows(db, "SELECT count(*) FROM outbox")[0][0] == 0
    with db.read() as uow:
        assert audit.verify(uow.session).intact


def test_loading_twice_is_refused(shared):
    db, _ = shared
    with pytest.raises(UserFacingError, match="already loaded"):
        load_demo(db, consumers=5)


def test_the_same_seed_makes_the_same_consumers_and_bills(shared, tmp_path: Path, clock):
    db, _ = shared
    other = open_database(tmp_path / "other.sqlite", clock)
    try:
        initialise(other, terminal_code="T01")
        load_demo(other, consumers=CONSUMERS, seed=7)
        sql = (
            "SELECT c.account_number, c.name, b.invoice_number, b.amount_minor FROM bills b "
            "JOIN consumers c ON c.id = b.consumer_id ORDER BY b.invoice_number"
        )
        assert rows(other, sql) == rows(db, sql)
    finally:
        other.close()
