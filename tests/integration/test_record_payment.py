"""Recording payments on a real counter file: what the cashier sees and what is written."""

import json
import uuid
from datetime import date

from sqlalchemy import event, select

from app.db import audit
from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord, User
from app.domain.payments import Analysis, PaymentType
from app.services.consumers import consumer_account, unpaid_items
from app.services.credit_notes_list import credit_note_details
from app.services.payment_details import payment_details
from tests.support.recording import ACCOUNT, APRIL_BILL, MARCH_BILL, outstanding, pay


# -- the spec's samples ------------------------------------------------------------------------
def test_the_spec_cash_sample_gives_change_and_posts_the_payment(db) -> None:
    balance_before = consumer_account(db.read(), ACCOUNT).balance_minor

    paid = pay(db, amount="145.50", tendered="150.00", notes="Customer paid in full")

    assert paid.amount_minor == 14550
    assert paid.tendered_minor == 15000
    assert paid.change_minor == 450
    assert paid.analysis is Analysis.EXACT
    assert paid.difference_minor == 0
    assert paid.credit_note is None
    assert (paid.status, paid.verification, paid.processing_time) == (
        "Posted",
        "Verified",
        "Immediate",
    )
    assert paid.receipt_number == "R-T01-0001"
    assert paid.payment_number == "PAY-2025-T01-000001"
    assert paid.transaction_number == "TXN-2025-T01-000001"

    details = payment_details(db.read(), "R-T01-0001")
    assert details.payment_date == date(2025, 4, 20)
    assert details.channel == "Walk-in"
    assert details.method == "Cash"
    assert details.payment_type == "Bill"
    assert details.received_by == "Jane Smith"
    assert details.notes == "Customer paid in full"
    assert (details.is_cash, details.tendered_minor, details.change_minor) == (True, 15000, 450)
    assert [
        (i.reference, i.description, i.item_amount_minor, i.paid_minor) for i in details.items
    ] == [(MARCH_BILL, "Mar 2025", 14550, 14550)]
    assert (details.billed_minor, details.difference_minor) == (14550, 0)
    assert (details.consumer_name, details.account_number) == ("John Doe", ACCOUNT)

    assert MARCH_BILL not in [
        i.reference for i in unpaid_items(db.read(), _john(db), PaymentType.BILL)
    ]
    assert consumer_account(db.read(), ACCOUNT).balance_minor == balance_before - 14550


def test_the_spec_overpayment_sample_keeps_the_extra_as_a_credit_note(db) -> None:
    paid = pay(db, amount="150.00")

    assert paid.change_minor == 0
    assert paid.analysis is Analysis.OVER
    assert paid.difference_minor == 450
    assert paid.credit_note is not None
    assert paid.credit_note.number == "CN-T01-00001"
    assert paid.credit_note.amount_minor == 450
    assert paid.credit_note.reason == "Overpayment"
    assert paid.credit_note.expires_on == "2026-04-20"

    note = credit_note_details(db.read(), "CN-T01-00001").note
    assert note.status == "Active"
    assert (note.amount_minor, note.applied_minor, note.remaining_minor) == (450, 0, 450)
    assert note.receipt_number == "R-T01-0001"
    assert (note.consumer_name, note.account_number) == ("John Doe", ACCOUNT)
    assert note.created_by == "Jane Smith"
    assert note.expires_on == date(2026, 4, 20)
    assert str(note.usage_percent) == "0.0"

    details = payment_details(db.read(), "R-T01-0001")
    assert [(c.number, c.amount_minor, c.reason) for c in details.credit_notes] == [
        ("CN-T01-00001", 450, "Overpayment")
    ]
    assert consumer_account(db.read(), ACCOUNT).credit_available_minor == 450


def test_an_under_payment_leaves_the_bill_partly_paid(db) -> None:
    paid = pay(db, amount="100.00")

    assert paid.analysis is Analysis.UNDER
    assert paid.difference_minor == -4550
    (bill,) = [i for i in consumer_account(db.read(), ACCOUNT).unpaid if i.reference == MARCH_BILL]
    assert (bill.amount_minor, bill.paid_minor, bill.outstanding_minor) == (14550, 10000, 4550)

    pay(db, amount="45.50")
    assert outstanding(db, MARCH_BILL) == 0


def test_several_bills_are_settled_oldest_due_first(db) -> None:
    pay(db, items=(APRIL_BILL, MARCH_BILL), method="Credit Card", amount="200.00")

    details = payment_details(db.read(), "R-T01-0001")
    assert sorted((i.reference, i.paid_minor) for i in details.items) == [
        (MARCH_BILL, 14550),
        (APRIL_BILL, 5450),
    ]
    assert outstanding(db, MARCH_BILL) == 0
    assert outstanding(db, APRIL_BILL) == 15225 - 5450


def test_installments_are_settled_in_order_of_their_due_dates(db) -> None:
    pay(
        db,
        payment_type="installment",
        items=("PP-2025-0034/2", "PP-2025-0034/1"),
        amount="100.00",
    )
    assert outstanding(db, "PP-2025-0034/1") == 0
    assert outstanding(db, "PP-2025-0034/2") == 6750 - 3250


def test_a_service_charge_can_be_named_by_its_description(db) -> None:
    paid = pay(db, payment_type="Service", items=("late fee",), amount="25.00")
    assert paid.analysis is Analysis.EXACT
    details = payment_details(db.read(), paid.receipt_number)
    assert [(i.reference, i.description) for i in details.items] == [("SC-2025-000087", "Late Fee")]


def test_the_channel_defaults_to_walk_in(db) -> None:
    pay(db, channel=None)
    pay(db, items=(APRIL_BILL,), amount="152.25", channel="  ")
    assert payment_details(db.read(), "R-T01-0001").channel == "Walk-in"
    assert payment_details(db.read(), "R-T01-0002").channel == "Walk-in"


def test_methods_and_channels_are_recognised_whatever_the_case(db) -> None:
    paid = pay(db, method="credit CARD", channel="PHONE")
    assert paid.method == "Credit Card"
    assert not paid.is_cash
    details = payment_details(db.read(), paid.receipt_number)
    assert (details.method, details.channel) == ("Credit Card", "Phone")


def test_each_payment_takes_the_next_numbers_of_this_terminal(db) -> None:
    first = pay(db, amount="45.50")
    second = pay(db, amount="100.00")
    assert [first.receipt_number, second.receipt_number] == ["R-T01-0001", "R-T01-0002"]
    assert second.payment_number == "PAY-2025-T01-000002"
    assert second.transaction_number == "TXN-2025-T01-000002"


def test_a_backdated_payment_is_accepted(db) -> None:
    paid = pay(db, paid_on=date(2025, 4, 18))
    assert payment_details(db.read(), paid.receipt_number).payment_date == date(2025, 4, 18)


def test_a_payment_writes_its_audit_event_and_outbox_row(db) -> None:
    paid = pay(db, amount="150.00")

    wanted = ["payment.recorded", "credit_note.created"]
    with db.read() as uow:
        events = uow.session.execute(
            select(
                AuditEvent.action, AuditEvent.user_id, AuditEvent.terminal_id, AuditEvent.after_json
            ).where(AuditEvent.action.in_(wanted))
        ).all()
        jane = uow.session.scalar(select(User.id).where(User.username == "jsmith"))
        outbox = uow.session.execute(
            select(OutboxRecord.entity, OutboxRecord.entity_id, OutboxRecord.payload_json)
            .where(OutboxRecord.state == "pending")
            .order_by(OutboxRecord.seq)
        ).all()
        chain = audit.verify(uow.session)
    assert chain.intact
    assert sorted(e.action for e in events) == ["credit_note.created", "payment.recorded"]
    assert all(e.user_id == jane and e.terminal_id is not None for e in events)
    (recorded,) = [e for e in events if e.action == "payment.recorded"]
    after = json.loads(recorded.after_json or "{}")
    assert (after["receipt_number"], after["amount_minor"], after["overpaid_minor"]) == (
        "R-T01-0001",
        15000,
        450,
    )
    by_entity = {o.entity: o for o in outbox}
    assert by_entity["payment"].entity_id == paid.payment_id
    assert json.loads(by_entity["payment"].payload_json)["receipt_number"] == "R-T01-0001"
    assert json.loads(by_entity["credit_note"].payload_json)["number"] == "CN-T01-00001"


def _john(db: Database) -> uuid.UUID:
    return consumer_account(db.read(), ACCOUNT).consumer_id


def test_a_bill_payment_reads_only_bills_of_the_consumers_items(db: Database):
    """The cashier's every payment is about twenty statements, each a wait for the GIL and
    the CPU while a sync runs: a bill payment does not read services and installments
    (they only explain a reference that is not a bill, as above)."""
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.writer, "before_cursor_execute", seen)
    try:
        recorded = pay(db)
    finally:
        event.remove(db.writer, "before_cursor_execute", seen)

    assert recorded.receipt_number
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert any("FROM bills" in s for s in reads)
    assert not [s for s in reads if "FROM service_charges" in s or "FROM installments" in s]
