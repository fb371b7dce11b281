"""Credit notes on a real counter file: made from a receipt, applied to bills, or refused."""

import json
from datetime import date

import pytest
from sqlalchemy import select, text

from app.db import audit
from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord
from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.services.consumers import consumer_account
from app.services.credit_notes import (
    AppliedCredit,
    IssuedCreditNote,
    apply_credit_note,
    create_credit_note,
)
from app.services.credit_notes_list import credit_note_details
from app.services.record_payment import RecordedPayment
from app.services.settings import update_settings
from tests.support.recording import ACCOUNT, APRIL_BILL, MARCH_BILL, outstanding
from tests.support.recording import footprint as written
from tests.support.recording import pay as recorded

CREDIT_NOTE_TABLES = (
    "credit_notes",
    "credit_note_applications",
    "outbox",
    "audit_events",
    "print_jobs",
)


def pay(db: Database, amount: str, item: str = MARCH_BILL, method: str = "Cash") -> RecordedPayment:
    return recorded(db, items=(item,), amount=amount, method=method)


def create(
    db: Database,
    amount: str,
    reason: str = "Billing Error",
    *,
    receipt: str = "R-T01-0001",
    remarks: str | None = None,
    username: str = "jsmith",
) -> IssuedCreditNote:
    return create_credit_note(
        db.unit_of_work(),
        receipt=receipt,
        amount=amount,
        reason=reason,
        remarks=remarks,
        username=username,
    )


def apply(
    db: Database, number: str, to: str, amount: str, username: str = "jsmith"
) -> AppliedCredit:
    return apply_credit_note(
        db.unit_of_work(), number=number, to=to, amount=amount, username=username
    )


def footprint(db: Database) -> dict[str, object]:
    """Everything a credit-note action could write."""
    with db.read() as uow:
        statuses = uow.session.execute(
            text("SELECT number, status FROM credit_notes ORDER BY number")
        ).all()
    return {**written(db, CREDIT_NOTE_TABLES), "statuses": [tuple(s) for s in statuses]}


# -- creating --------------------------------------------------------------------------------
def test_a_credit_note_is_made_from_a_receipt(db) -> None:
    pay(db, "145.50")

    issued = create(db, "45.50", "Billing Error", remarks="Meter misread in March")

    assert issued.number == "CN-T01-00001"
    assert (issued.amount_minor, issued.reason, issued.expires_on) == (
        4550,
        "Billing Error",
        "2026-04-20",
    )
    note = credit_note_details(db.read(), "CN-T01-00001").note
    assert note.status == "Active"
    assert (note.amount_minor, note.applied_minor, note.remaining_minor) == (4550, 0, 4550)
    assert note.receipt_number == "R-T01-0001"
    assert (note.consumer_name, note.account_number) == ("John Doe", ACCOUNT)
    assert note.created_by == "Jane Smith"
    assert note.created_on == date(2025, 4, 20)
    assert note.expires_on == date(2026, 4, 20)
    assert note.remarks == "Meter misread in March"
    assert consumer_account(db.read(), ACCOUNT).credit_available_minor == 4550


def test_a_credit_note_can_reverse_the_whole_payment(db) -> None:
    pay(db, "145.50")
    assert create(db, "145.50").amount_minor == 14550


def test_a_second_credit_note_is_limited_to_what_the_first_left(db) -> None:
    pay(db, "145.50")
    create(db, "45.50")

    with pytest.raises(UserFacingError) as refused:
        create(db, "100.01")
    assert refused.value.message == "Credit amount cannot exceed the maximum of $100.00."

    assert create(db, "100.00").number == "CN-T01-00002"
    with pytest.raises(UserFacingError, match=r"maximum of \$0\.00\."):
        create(db, "0.01")


def test_the_overpayment_credit_counts_against_the_maximum(db) -> None:
    pay(db, "150.00")  # CN-T01-00001 of $4.50 made automatically

    with pytest.raises(UserFacingError) as refused:
        create(db, "150.00")
    assert refused.value.message == "Credit amount cannot exceed the maximum of $145.50."


def test_credit_note_numbers_follow_one_another(db) -> None:
    pay(db, "145.50")
    numbers = [create(db, "10.00").number for _ in range(3)]
    assert numbers == ["CN-T01-00001", "CN-T01-00002", "CN-T01-00003"]


def test_a_credit_note_can_be_found_by_payment_number_too(db) -> None:
    pay(db, "145.50")
    issued = create(db, "5.00", receipt="pay-2025-t01-000001")
    assert credit_note_details(db.read(), issued.number).note.receipt_number == "R-T01-0001"


def test_the_reason_is_matched_whatever_the_case(db) -> None:
    pay(db, "145.50")
    assert create(db, "5.00", reason="duplicate PAYMENT").reason == "Duplicate Payment"


def test_remarks_of_exactly_500_characters_are_kept(db) -> None:
    pay(db, "145.50")
    issued = create(db, "5.00", remarks="r" * 500)
    assert credit_note_details(db.read(), issued.number).note.remarks == "r" * 500


def test_the_expiry_follows_the_settings(db) -> None:
    update_settings(db.unit_of_work(), {"credit_note_expiry_days": 30}, username="admin")
    pay(db, "145.50")

    issued = create(db, "5.00")

    assert issued.expires_on == "2025-05-20"
    assert credit_note_details(db.read(), issued.number).note.expires_on == date(2025, 5, 20)


def test_making_a_credit_note_is_audited_and_queued_for_the_server(db) -> None:
    pay(db, "145.50")
    issued = create(db, "45.50", remarks="Meter misread")

    with db.read() as uow:
        event = uow.session.execute(
            select(AuditEvent.action, AuditEvent.after_json).where(
                AuditEvent.entity_id == str(issued.credit_note_id)
            )
        ).one()
        queued = uow.session.execute(
            select(OutboxRecord.entity, OutboxRecord.state, OutboxRecord.payload_json).where(
                OutboxRecord.entity_id == issued.credit_note_id
            )
        ).one()
        chain = audit.verify(uow.session)
    after = json.loads(event.after_json)
    assert event.action == "credit_note.created"
    assert (after["number"], after["amount_minor"], after["reason"], after["remarks"]) == (
        "CN-T01-00001",
        4550,
        "Billing Error",
        "Meter misread",
    )
    assert after["receipt_number"] == "R-T01-0001"
    assert (queued.entity, queued.state) == ("credit_note", "pending")
    assert json.loads(queued.payload_json)["number"] == "CN-T01-00001"
    assert chain.intact


CREATE_REFUSALS = [
    pytest.param({"amount": "0"}, "Credit amount must be greater than zero.", id="zero"),
    pytest.param({"amount": "-4.50"}, "Credit amount must be greater than zero.", id="negative"),
    pytest.param(
        {"amount": "145.51"},
        "Credit amount cannot exceed the maximum of $145.50.",
        id="over-payment-amount",
    ),
    pytest.param(
        {"amount": "4.505"}, "Credit amount can have at most 2 decimal places.", id="3-decimals"
    ),
    pytest.param({"amount": "four"}, "Credit amount must be a number, not 'four'.", id="text"),
    pytest.param({"reason": ""}, "Choose a reason for the credit note.", id="no-reason"),
    pytest.param({"reason": "   "}, "Choose a reason for the credit note.", id="blank-reason"),
    pytest.param(
        {"reason": "Goodwill"},
        "Unknown credit-note reason 'Goodwill'. Choose one of: Overpayment, Duplicate Payment, "
        "Billing Error, Billing Adjustment, Refund Request, Customer Request, Other.",
        id="unknown-reason",
    ),
    pytest.param(
        {"remarks": "r" * 501},
        "Remarks can be at most 500 characters (these are 501).",
        id="remarks-too-long",
    ),
    pytest.param(
        {"receipt": "R-T01-0099"},
        "No payment with receipt or payment number 'R-T01-0099'.",
        id="unknown-receipt",
    ),
    pytest.param(
        {"username": "rpatel"},
        "A recovery executive may not create credit notes.",
        id="recovery-executive",
    ),
]


@pytest.mark.parametrize(("changes", "message"), CREATE_REFUSALS)
def test_a_refused_credit_note_says_why_and_writes_nothing(db, changes, message) -> None:
    pay(db, "145.50")
    before = footprint(db)
    values = {"amount": "45.50", "reason": "Billing Error", **changes}

    with pytest.raises(UserFacingError) as refused:
        create(db, **values)

    assert refused.value.message == message
    assert footprint(db) == before
    assert create(db, "1.00").number == "CN-T01-00001"


def test_a_recovery_executive_is_refused_as_a_permission_matter(db) -> None:
    pay(db, "150.00")
    with pytest.raises(PermissionDenied):
        create(db, "1.00", username="rpatel")
    with pytest.raises(PermissionDenied):
        apply(db, "CN-T01-00001", APRIL_BILL, "1.00", username="rpatel")


def test_a_billing_manager_may_make_credit_notes(db) -> None:
    pay(db, "145.50")
    issued = create(db, "5.00", username="mbrown")
    assert credit_note_details(db.read(), issued.number).note.created_by == "Michael Brown"


# -- applying --------------------------------------------------------------------------------
def test_applying_credit_reduces_what_the_bill_owes(db) -> None:
    pay(db, "150.00")

    applied = apply(db, "CN-T01-00001", APRIL_BILL, "1.50")

    assert (applied.applied_to, applied.amount_minor, applied.remaining_minor) == (
        APRIL_BILL,
        150,
        300,
    )
    assert applied.status == "Active"
    assert outstanding(db, APRIL_BILL) == 15225 - 150
    note = credit_note_details(db.read(), "CN-T01-00001").note
    assert (note.applied_minor, note.remaining_minor, str(note.usage_percent)) == (150, 300, "33.3")
    assert consumer_account(db.read(), ACCOUNT).credit_available_minor == 300


def test_a_note_used_up_is_applied(db) -> None:
    pay(db, "150.00")
    apply(db, "CN-T01-00001", APRIL_BILL, "1.50")

    applied = apply(db, "CN-T01-00001", APRIL_BILL, "3.00")

    assert (applied.remaining_minor, applied.status) == (0, "Applied")
    details = credit_note_details(db.read(), "CN-T01-00001")
    assert details.note.status == "Applied"
    assert str(details.note.usage_percent) == "100.0"
    assert [(a.applied_to, a.amount_minor, a.applied_by) for a in details.applications] == [
        (APRIL_BILL, 150, "Jane Smith"),
        (APRIL_BILL, 300, "Jane Smith"),
    ]
    assert outstanding(db, APRIL_BILL) == 15225 - 450
    assert consumer_account(db.read(), ACCOUNT).credit_available_minor == 0


def test_credit_can_settle_a_service_charge_named_by_its_description(db) -> None:
    pay(db, "145.50")
    create(db, "25.00")

    applied = apply(db, "CN-T01-00001", "late fee", "25.00")

    assert (applied.applied_to, applied.status) == ("SC-2025-000087", "Applied")
    assert outstanding(db, "SC-2025-000087") == 0


def test_an_applied_note_cannot_be_applied_again(db) -> None:
    pay(db, "150.00")
    apply(db, "CN-T01-00001", APRIL_BILL, "4.50")
    before = footprint(db)

    with pytest.raises(UserFacingError) as refused:
        apply(db, "CN-T01-00001", APRIL_BILL, "0.01")

    assert refused.value.message == "Credit note CN-T01-00001 is applied: it cannot be applied."
    assert footprint(db) == before


def test_a_note_can_be_applied_on_its_expiry_day(db, clock) -> None:
    pay(db, "150.00")
    clock.advance(days=365)
    assert apply(db, "CN-T01-00001", APRIL_BILL, "4.50").status == "Applied"


def test_an_expired_note_cannot_be_applied(db, clock) -> None:
    pay(db, "150.00")
    clock.advance(days=366)
    before = footprint(db)

    with pytest.raises(UserFacingError) as refused:
        apply(db, "CN-T01-00001", APRIL_BILL, "1.00")

    assert refused.value.message == "Credit note CN-T01-00001 is expired: it cannot be applied."
    assert footprint(db) == before
    assert credit_note_details(db.read(), "CN-T01-00001").note.status == "Expired"
    assert consumer_account(db.read(), ACCOUNT).credit_available_minor == 0


def test_applying_credit_is_audited_and_queued_for_the_server(db) -> None:
    pay(db, "150.00")
    apply(db, "CN-T01-00001", APRIL_BILL, "4.50")

    with db.read() as uow:
        event = uow.session.execute(
            select(AuditEvent.before_json, AuditEvent.after_json).where(
                AuditEvent.action == "credit_note.applied"
            )
        ).one()
        queued = uow.session.execute(
            select(OutboxRecord.payload_json).where(
                OutboxRecord.entity == "credit_note_application"
            )
        ).one()
        chain = audit.verify(uow.session)
    before, after = json.loads(event.before_json), json.loads(event.after_json)
    assert (before["status"], before["applied_minor"]) == ("Active", 0)
    assert (after["status"], after["applied_minor"], after["applied_to"]) == (
        "Applied",
        450,
        APRIL_BILL,
    )
    payload = json.loads(queued.payload_json)
    assert (payload["target_kind"], payload["amount_minor"]) == ("bill", 450)
    assert chain.intact


APPLY_REFUSALS = [
    pytest.param(
        {"amount": "4.51"}, "Only $4.50 of CN-T01-00001 remains to apply.", id="over-remaining"
    ),
    pytest.param({"amount": "0"}, "Amount must be greater than zero.", id="zero"),
    pytest.param({"amount": "-1.00"}, "Amount must be greater than zero.", id="negative"),
    pytest.param(
        {"to": MARCH_BILL}, f"{MARCH_BILL} is already paid in full.", id="item-already-paid"
    ),
    pytest.param(
        {"to": "INV-2099-000001"},
        f"Account {ACCOUNT} has no bill or service 'INV-2099-000001'.",
        id="unknown-item",
    ),
    pytest.param({"to": " "}, "Choose the bill or service to apply the credit to.", id="no-item"),
    pytest.param(
        {"username": "rpatel"},
        "A recovery executive may not apply credit notes.",
        id="recovery-executive",
    ),
]


@pytest.mark.parametrize(("changes", "message"), APPLY_REFUSALS)
def test_a_refused_application_says_why_and_writes_nothing(db, changes, message) -> None:
    pay(db, "150.00")
    before = footprint(db)
    values = {"number": "CN-T01-00001", "to": APRIL_BILL, "amount": "1.00", **changes}

    with pytest.raises(UserFacingError) as refused:
        apply(db, **values)

    assert refused.value.message == message
    assert footprint(db) == before


def test_credit_cannot_exceed_what_the_item_still_owes(db) -> None:
    pay(db, "145.50")
    create(db, "100.00")
    before = footprint(db)

    with pytest.raises(UserFacingError) as refused:
        apply(db, "CN-T01-00001", "Late Fee", "25.01")

    assert refused.value.message == "SC-2025-000087 has only $25.00 outstanding."
    assert footprint(db) == before


def test_an_unknown_credit_note_is_not_found(db) -> None:
    with pytest.raises(NotFound, match=r"^No credit note 'CN-T01-09999'\.$"):
        apply(db, "CN-T01-09999", APRIL_BILL, "1.00")
