"""Which documents print by themselves is a per-printer setting: receipts, credit notes, shift
reports. Checked on a real counter file with a file printer that really receives the bytes."""

from pathlib import Path

import pytest

from app.db.database import Database
from app.domain.printing import DocumentKind, JobState
from app.services.credit_note_approvals import approve_credit_note
from app.services.credit_notes import create_credit_note
from app.services.print_queue import recent_jobs
from app.services.print_worker import process_queue
from app.services.printers import add_printer
from app.services.record_payment import PaymentRequest, record_payment
from cli.wiring.printing import open_printer, render_for_printer


def pay(db: Database, amount: str, item: str = "INV-2025-001234") -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=(item,),
        method="Credit Card",
        amount=amount,
        username="jsmith",
    )
    recorded = record_payment(db.unit_of_work(), request)
    return recorded.receipt_number


def jobs(db: Database) -> list[tuple[DocumentKind, str, int]]:
    """(kind, number, copy) of every job, oldest first."""
    return [(j.kind, j.reference, j.copy_number) for j in reversed(recent_jobs(db.read()))]


@pytest.fixture
def device(tmp_path: Path) -> Path:
    return tmp_path / "lp0"


def test_a_printer_set_for_credit_notes_only_prints_them_and_no_receipts(
    db: Database, device: Path
) -> None:
    add_printer(
        db.unit_of_work(), name="Front", kind="file", address=str(device), auto_print="credit_note"
    )
    receipt = pay(db, "145.50")
    note = create_credit_note(
        db.unit_of_work(), receipt=receipt, amount="4.50", reason="Billing Error", username="jsmith"
    )
    assert jobs(db) == [(DocumentKind.CREDIT_NOTE, note.number, 0)]

    run = process_queue(db.unit_of_work, render_for_printer, open_printer)
    assert [job.state for job in run.jobs] == [JobState.PRINTED]
    printed = device.read_bytes()
    assert b"CREDIT NOTE" in printed and note.number.encode() in printed
    assert receipt.encode() in printed  # the receipt it was made from, never the receipt itself
    assert b"PAYMENT RECEIPT" not in printed


def test_an_overpayment_prints_its_credit_note_after_the_receipt(
    db: Database, device: Path
) -> None:
    add_printer(
        db.unit_of_work(),
        name="Front",
        kind="file",
        address=str(device),
        auto_print="receipt,credit_note",
    )
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="150.00",
        username="jsmith",
    )
    recorded = record_payment(db.unit_of_work(), request)
    assert recorded.credit_note is not None
    assert jobs(db) == [
        (DocumentKind.RECEIPT, recorded.receipt_number, 0),
        (DocumentKind.CREDIT_NOTE, recorded.credit_note.number, 0),
    ]


def test_a_note_waiting_for_approval_prints_when_it_is_approved(db: Database, device: Path) -> None:
    add_printer(
        db.unit_of_work(), name="Front", kind="file", address=str(device), auto_print="credit_note"
    )
    receipt = pay(db, "145.50")
    note = create_credit_note(
        db.unit_of_work(), receipt=receipt, amount="100.01", reason="Other", username="jsmith"
    )
    assert note.status == "Pending Approval"
    assert jobs(db) == []  # not credit the consumer can use yet: nothing to hand over
    approve_credit_note(db.unit_of_work(), note.number, username="mbrown")
    assert jobs(db) == [(DocumentKind.CREDIT_NOTE, note.number, 0)]


def test_a_disabled_printer_prints_nothing_by_itself(db: Database, device: Path) -> None:
    add_printer(
        db.unit_of_work(),
        name="Front",
        kind="file",
        address=str(device),
        auto_print="receipt,credit_note",
        enabled=False,
    )
    receipt = pay(db, "145.50")
    create_credit_note(
        db.unit_of_work(), receipt=receipt, amount="4.50", reason="Billing Error", username="jsmith"
    )
    assert jobs(db) == []
