"""Follow-up work through the unit of work: a print job lands with its payment or credit note
at commit, and not at all when the unit rolls back."""

import uuid

import pytest

from app.db.tables import Printer
from app.domain.errors import UserFacingError
from app.domain.events import PaymentRecorded
from app.services.credit_note_approvals import approve_credit_note
from app.services.credit_notes import create_credit_note
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter
from tests.support.fake_uow import NOON


def printer_for(counter: Counter, auto_print: str) -> None:
    counter.store.printers.append(
        Printer(
            id=uuid.uuid4(),
            terminal_id=counter.uow.terminal().id,
            name="Front",
            kind="network",
            address="192.0.2.10:9100",
            width_mm=80,
            code_page="cp437",
            enabled=True,
            auto_print=auto_print,
            opens_drawer=False,
            created_at=NOON,
            updated_at=NOON,
        )
    )


def pay(counter: Counter, amount: str = "120.00") -> str:
    request = PaymentRequest(
        "ACC-1001", "Bill", ("INV-2026-000001",), "Cash", amount, username="cashier"
    )
    return record_payment(counter.uow, request).receipt_number


def printed(counter: Counter) -> list[tuple[str, str]]:
    return [(j.kind, j.reference) for j in counter.store.print_jobs]


def test_an_approved_credit_note_prints_by_itself(open_counter: Counter) -> None:
    printer_for(open_counter, "receipt,credit_note")
    receipt = pay(open_counter)
    note = create_credit_note(
        open_counter.uow,
        receipt=receipt,
        amount="110.00",
        reason="Billing Error",
        username="cashier",
    )
    assert printed(open_counter) == [("receipt", receipt)]  # waiting notes do not print

    approve_credit_note(open_counter.uow, note.number, username="manager")

    assert printed(open_counter) == [("receipt", receipt), ("credit_note", note.number)]


def test_a_refused_payment_leaves_no_print_job(open_counter: Counter) -> None:
    printer_for(open_counter, "receipt")

    with pytest.raises(UserFacingError):
        pay(open_counter, "-5.00")

    assert printed(open_counter) == []


def test_events_collected_without_a_commit_are_dropped(open_counter: Counter) -> None:
    printer_for(open_counter, "receipt")
    receipt = pay(open_counter)
    open_counter.store.print_jobs.clear()

    with open_counter.uow as uow:
        uow.collect(PaymentRecorded(receipt, None))  # and then the use case fails
    with open_counter.uow as uow:
        uow.commit()

    assert printed(open_counter) == []
