"""Credit notes on paper: printed by themselves when made (or when approved), never passed off
as valid while they wait, are rejected or cancelled; reprints by hand are marked COPY."""

from app.db.database import Database
from app.services.credit_note_approvals import approve_credit_note, reject_credit_note
from app.services.credit_notes import create_credit_note
from app.services.print_queue import print_credit_note
from app.services.void_payment import void_payment
from tests.support.print_queue import (
    Capture,
    add_counter_printer,
    jobs,
    pay,
    run_queue,
    value_of,
)
from tests.unit.printing.escpos_decoder import Decoded

PRINTS_BOTH = "receipt,credit_note"


def credit(db: Database, amount: str, user: str = "jsmith") -> str:
    """A credit note on the first payment: above 100.00 a cashier's note waits for approval."""
    return create_credit_note(
        db.unit_of_work(), receipt="R-T01-0001", amount=amount, reason="Other", username=user
    ).number


def credit_note_jobs(db: Database) -> list[tuple[str, int]]:
    return [(j.reference, j.copy_number) for j in jobs(db) if j.kind == "credit_note"]


def printed(db: Database) -> dict[str, Decoded]:
    """Each credit note that came out of the printer, by number, as printed."""
    capture = Capture()
    run = run_queue(db, capture)
    return {
        job.reference: paper
        for job, paper in zip(run.printed, capture.papers, strict=True)
        if job.kind.value == "credit_note"
    }


def test_an_active_credit_note_prints_by_itself_when_it_is_made(db) -> None:
    add_counter_printer(db, "127.0.0.1:9", auto_print=PRINTS_BOTH)
    pay(db)

    number = credit(db, "20.00")

    assert credit_note_jobs(db) == [(number, 0)]
    paper = printed(db)[number]
    assert any("CREDIT NOTE" in t for t in paper.texts)
    assert value_of(paper, "Status") == "Active"
    assert not any("NOT VALID" in t or "COPY" in t for t in paper.texts)


def test_no_credit_note_prints_by_itself_when_the_printer_prints_receipts_only(db) -> None:
    add_counter_printer(db, "127.0.0.1:9", auto_print="receipt")
    pay(db)

    credit(db, "20.00")

    assert credit_note_jobs(db) == []


def test_a_note_waiting_for_approval_prints_when_approved_not_before(db) -> None:
    add_counter_printer(db, "127.0.0.1:9", auto_print=PRINTS_BOTH)
    pay(db)

    number = credit(db, "120.00")
    assert credit_note_jobs(db) == []

    approve_credit_note(db.unit_of_work(), number, username="mbrown")

    assert credit_note_jobs(db) == [(number, 0)]
    assert value_of(printed(db)[number], "Status") == "Active"


def test_a_rejected_note_never_prints_by_itself(db) -> None:
    add_counter_printer(db, "127.0.0.1:9", auto_print=PRINTS_BOTH)
    pay(db)
    number = credit(db, "120.00")

    reject_credit_note(db.unit_of_work(), number, "Not a billing error", username="mbrown")

    assert credit_note_jobs(db) == []


def test_a_waiting_note_printed_by_hand_says_it_is_not_valid(db) -> None:
    add_counter_printer(db, "127.0.0.1:9", auto_print="receipt")
    pay(db)
    number = credit(db, "120.00")

    print_credit_note(db.unit_of_work(), number, username="jsmith")

    paper = printed(db)[number]
    assert any("*** PENDING APPROVAL - NOT VALID ***" in t for t in paper.texts)
    assert value_of(paper, "Status") == "Pending Approval"


def test_rejected_and_cancelled_notes_printed_by_hand_say_they_are_not_valid(db) -> None:
    add_counter_printer(db, "127.0.0.1:9", auto_print="receipt")
    pay(db)
    rejected = credit(db, "120.00")
    reject_credit_note(db.unit_of_work(), rejected, "Not a billing error", username="mbrown")
    cancelled = credit(db, "20.00")
    void_payment(db.unit_of_work(), receipt="R-T01-0001", reason="Wrong account", username="mbrown")

    print_credit_note(db.unit_of_work(), rejected, username="mbrown")
    print_credit_note(db.unit_of_work(), cancelled, username="mbrown")

    papers = printed(db)
    assert any("*** REJECTED - NOT VALID ***" in t for t in papers[rejected].texts)
    assert value_of(papers[rejected], "Status") == "Rejected"
    assert any("*** CANCELLED - NOT VALID ***" in t for t in papers[cancelled].texts)


def test_printing_by_hand_after_the_automatic_print_is_copy_1(db) -> None:
    add_counter_printer(db, "127.0.0.1:9", auto_print=PRINTS_BOTH)
    pay(db)
    number = credit(db, "20.00")

    job = print_credit_note(db.unit_of_work(), number, username="jsmith")

    assert (job.copy_number, job.title) == (1, f"Credit note {number} (copy 1)")
    assert credit_note_jobs(db) == [(number, 0), (number, 1)]
