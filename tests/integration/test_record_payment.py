"""Recording payments on a real counter file: what the cashier sees, and what is refused."""

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import event, func, select, text, update

from app.db import audit
from app.db.database import Database
from app.db.tables import (
    AuditEvent,
    Consumer,
    CreditNote,
    OutboxRecord,
    Payment,
    PaymentAllocation,
    User,
)
from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.domain.payments import Analysis, PaymentType
from app.services.consumers import consumer_account, unpaid_items
from app.services.credit_notes_list import credit_note_details
from app.services.payment_details import payment_details
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment
from app.services.supervisor_approval import SupervisorApprovalRequired

ACCOUNT = "WU-10001"
MARCH_BILL = "INV-2025-001234"  # $145.50, due 15 Apr 2025
APRIL_BILL = "INV-2025-001567"  # $152.25, due 15 May 2025


def request(**changes: object) -> PaymentRequest:
    values: dict[str, object] = {
        "account_number": ACCOUNT,
        "payment_type": "Bill",
        "items": (MARCH_BILL,),
        "method": "Cash",
        "amount": "145.50",
        "username": "jsmith",
    }
    values.update(changes)
    return PaymentRequest(**values)  # type: ignore[arg-type]


def pay(db: Database, **changes: object) -> RecordedPayment:
    return record_payment(db.unit_of_work(), request(**changes))


def outstanding(db: Database, reference: str) -> int:
    account = consumer_account(db.read(), ACCOUNT)
    return sum(i.outstanding_minor for i in account.unpaid if i.reference == reference)


def footprint(db: Database) -> dict[str, object]:
    """Everything a payment could write: row counts, sequences, the consumer's balance."""
    with db.read() as uow:
        counts = {
            table: uow.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in (
                "payments",
                "payment_allocations",
                "credit_notes",
                "outbox",
                "audit_events",
                "print_jobs",
            )
        }
        sequences = uow.session.execute(
            text("SELECT series, period, last_value FROM number_sequences ORDER BY 1, 2")
        ).all()
    balance = consumer_account(db.read(), ACCOUNT).balance_minor
    return {**counts, "sequences": [tuple(s) for s in sequences], "balance": balance}


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


# -- refusals: each one says why, and writes nothing -------------------------------------------
LONG_NOTES = "n" * 251

REFUSALS = [
    pytest.param(
        {"amount": "1200.00"},
        "Amount $1,200.00 is more than the account's outstanding balance $600.25 plus the "
        "allowed overpayment of $500.00 (at most $1,100.25).",
        id="above-balance-plus-threshold",
    ),
    pytest.param(
        {"tendered": "100.00"},
        "Amount received $100.00 is less than the amount paid $145.50.",
        id="tendered-less-than-amount",
    ),
    pytest.param(
        {"method": "Credit Card", "tendered": "150.00"},
        "Amount received and change apply to cash payments only.",
        id="tendered-for-card",
    ),
    pytest.param(
        {"notes": LONG_NOTES},
        "Notes can be at most 250 characters (these are 251).",
        id="notes-too-long",
    ),
    pytest.param(
        {"paid_on": date(2025, 4, 21)},
        "The payment date cannot be in the future.",
        id="future-date",
    ),
    pytest.param(
        {"method": "Bitcoin"},
        "Unknown payment method 'Bitcoin'. Choose one of: Cash, Credit Card, Debit Card, "
        "Cheque, Bank Transfer, Mobile Wallet.",
        id="unknown-method",
    ),
    pytest.param(
        {"channel": "Pigeon"},
        "Unknown channel 'Pigeon'. Choose one of: Walk-in, Phone, Drop Box, Field Collection, "
        "Mail.",
        id="unknown-channel",
    ),
    pytest.param(
        {"items": ("Late Fee",)},
        "Late Fee is a service charge, not a bill: choose the matching payment type.",
        id="service-paid-as-bill",
    ),
    pytest.param(
        {"payment_type": "Service", "items": (MARCH_BILL,)},
        f"{MARCH_BILL} is a bill, not a service charge: choose the matching payment type.",
        id="bill-paid-as-service",
    ),
    pytest.param(
        {"items": ("INV-2099-000001",)},
        f"Account {ACCOUNT} has no bill 'INV-2099-000001'.",
        id="unknown-bill",
    ),
    pytest.param(
        {"items": ()},
        "Select at least one unpaid bill to pay.",
        id="no-items",
    ),
    pytest.param(
        {"items": (MARCH_BILL, MARCH_BILL.lower())},
        "The same item is selected twice.",
        id="same-item-twice",
    ),
    pytest.param({"amount": "0"}, "Amount must be greater than zero.", id="zero"),
    pytest.param({"amount": "-5.00"}, "Amount must be greater than zero.", id="negative"),
    pytest.param({"amount": "abc"}, "Amount must be a number, not 'abc'.", id="not-a-number"),
    pytest.param(
        {"amount": "145.505"}, "Amount can have at most 2 decimal places.", id="three-decimals"
    ),
    pytest.param({"amount": ""}, "Amount is required.", id="no-amount"),
    pytest.param(
        {"payment_type": "Donation"},
        "Unknown payment type 'Donation'. Choose Bill, Service or Installment.",
        id="unknown-type",
    ),
    pytest.param(
        {"account_number": "WU-99999"},
        "No consumer with account number 'WU-99999'.",
        id="unknown-account",
    ),
    pytest.param({"username": "nobody"}, "No user named 'nobody'.", id="unknown-user"),
]


@pytest.mark.parametrize(("changes", "message"), REFUSALS)
def test_a_refused_payment_says_why_and_writes_nothing(db, changes, message) -> None:
    before = footprint(db)

    with pytest.raises(UserFacingError) as refused:
        pay(db, **changes)

    assert refused.value.message == message
    assert footprint(db) == before


def test_a_refused_payment_uses_up_no_receipt_number(db) -> None:
    with pytest.raises(UserFacingError):
        pay(db, amount="1200.00")
    assert pay(db).receipt_number == "R-T01-0001"


def test_an_item_already_paid_is_refused(db) -> None:
    pay(db)
    before = footprint(db)

    with pytest.raises(UserFacingError) as refused:
        pay(db, amount="10.00")

    assert refused.value.message == f"{MARCH_BILL} is already paid in full."
    assert footprint(db) == before
    assert pay(db, items=(APRIL_BILL,), amount="10.00").receipt_number == "R-T01-0002"


def test_a_disabled_user_cannot_record_payments(db) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(update(User).where(User.username == "jsmith").values(active=False))
        uow.commit()
    before = footprint(db)

    with pytest.raises(PermissionDenied) as refused:
        pay(db)

    assert refused.value.message == "User 'jsmith' is disabled."
    assert footprint(db) == before


@pytest.mark.parametrize("status", ["Disconnected", "Inactive"])
def test_a_disconnected_or_inactive_account_pays_its_reconnection_fee(db, status: str) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(
            update(Consumer).where(Consumer.account_number == ACCOUNT).values(status=status)
        )
        uow.commit()

    paid = pay(db, payment_type="Service", items=("Reconnection Fee",), amount="75.00")

    assert (paid.amount_minor, paid.status) == (7500, "Posted")
    assert outstanding(db, "SC-2025-000101") == 0


def test_the_amount_may_reach_the_accounts_balance_beyond_the_chosen_items(db) -> None:
    """$600 on the $25 Late Fee: the account owes $600.25, so it is taken; what the fee does
    not take is kept as credit."""
    paid = pay(db, payment_type="Service", items=("Late Fee",), amount="600.00")

    assert (paid.amount_minor, paid.credit_note.amount_minor) == (60000, 57500)


def test_an_unknown_account_is_reported_as_not_found(db) -> None:
    with pytest.raises(NotFound):
        pay(db, account_number="WU-99999")


def test_an_absurd_amount_received_is_refused_with_a_message(db) -> None:
    with pytest.raises(UserFacingError):
        pay(db, amount="1.00", tendered="100000000000000000")


def test_nothing_is_half_written_when_a_payment_makes_a_credit_note(db) -> None:
    pay(db, amount="150.00")
    with db.read() as uow:
        payments = uow.session.scalar(select(func.count()).select_from(Payment))
        allocations = uow.session.scalar(select(func.sum(PaymentAllocation.amount_minor)))
        credit = uow.session.scalar(select(func.sum(CreditNote.amount_minor)))
    assert (payments, allocations, credit) == (1, 14550, 450)


def _john(db: Database) -> uuid.UUID:
    return consumer_account(db.read(), ACCOUNT).consumer_id


# -- the payment date: never ahead, and far back only with a supervisor ----------------------
def test_a_payment_dated_a_few_days_back_needs_no_approval(db) -> None:
    paid = pay(db, paid_on=date(2025, 4, 17))  # the sample day is 20 Apr 2025; 3 days allowed

    details = payment_details(db.read(), paid.receipt_number)
    assert details.payment_date == date(2025, 4, 17)


def test_a_payment_dated_further_back_asks_for_a_supervisor_and_writes_nothing(db) -> None:
    before = footprint(db)

    with pytest.raises(SupervisorApprovalRequired) as asked:
        pay(db, paid_on=date(2025, 4, 1))

    assert asked.value.reasons == (
        "The payment date 2025-04-01 is 19 days back; more than 3 days needs a supervisor's "
        "approval.",
    )
    assert footprint(db) == before


def test_a_cashier_cannot_approve_their_own_back_dated_payment(db) -> None:
    with pytest.raises(PermissionDenied, match="a supervisor must approve"):
        pay(db, paid_on=date(2025, 4, 1), approver="jsmith", approver_pin="1234")


def test_a_supervisor_approves_a_back_dated_payment_and_the_approval_is_audited(db) -> None:
    paid = pay(db, paid_on=date(2025, 4, 1), approver="mbrown", approver_pin="2345")

    assert payment_details(db.read(), paid.receipt_number).payment_date == date(2025, 4, 1)
    with db.read() as uow:
        approvals = uow.session.scalars(
            select(AuditEvent.after_json).where(AuditEvent.action == "payment.backdating_approved")
        ).all()
    assert [json.loads(a or "{}")["approved_by"] for a in approvals] == ["mbrown"]


def test_a_wrong_supervisor_pin_is_refused(db) -> None:
    with pytest.raises(UserFacingError):
        pay(db, paid_on=date(2025, 4, 1), approver="mbrown", approver_pin="9999")


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
