"""The print queue on a fake unit of work: jobs only when a printer prints by itself."""

import json
import uuid

import pytest

from app.db.tables import Printer, PrintJob
from app.domain.errors import UserFacingError
from app.domain.printing import JobState
from app.services.print_queue import cancel_job, queue_status, retry_job
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter
from tests.support.fake_uow import NOON


def add_printer(counter: Counter, auto_print: str) -> None:
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


def add_job(counter: Counter, state: JobState) -> PrintJob:
    job = PrintJob(
        id=uuid.uuid4(),
        terminal_id=counter.uow.terminal().id,
        kind="receipt",
        reference="R-T01-0001",
        document_json="{}",
        copy_number=0,
        state=state.value,
        attempts=1,
        printer_name="Front",
        created_at=NOON,
    )
    counter.store.print_jobs.append(job)
    return job


def test_no_printer_means_no_receipt_job(open_counter: Counter) -> None:
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "120.00")
    record_payment(open_counter.uow, request)

    assert open_counter.store.print_jobs == []
    assert queue_status(open_counter.uow).jobs == ()


def test_a_job_that_failed_is_sent_again_on_retry(counter: Counter) -> None:
    job = add_job(counter, JobState.FAILED)

    view = retry_job(counter.uow, job.id.hex[:8])

    assert view.state is JobState.QUEUED
    assert "print_job.retried" in counter.uow.actions()


def test_a_queued_job_has_nothing_to_retry(counter: Counter) -> None:
    job = add_job(counter, JobState.QUEUED)

    with pytest.raises(UserFacingError, match="nothing to retry"):
        retry_job(counter.uow, str(job.id))


def test_a_cancelled_job_leaves_the_queue(counter: Counter) -> None:
    job = add_job(counter, JobState.QUEUED)

    cancel_job(counter.uow, str(job.id))

    assert queue_status(counter.uow).jobs == ()


def test_a_job_id_needs_eight_characters(counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="at least the first 8 characters"):
        cancel_job(counter.uow, "abc")


def test_a_receipt_printer_gets_the_receipt_with_the_balance_after_payment(
    open_counter: Counter,
) -> None:
    add_printer(open_counter, "receipt")
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "100.00")

    paid = record_payment(open_counter.uow, request)

    [job] = queue_status(open_counter.uow).jobs
    assert (job.reference, job.copy_number, job.printer_name) == (paid.receipt_number, 0, "Front")
    receipt = json.loads(open_counter.store.print_jobs[0].document_json)
    assert "Jane Doe" in json.dumps(receipt)
    assert "$95.00" in json.dumps(receipt)  # 195.00 owed before, 100.00 paid


def test_an_overpayment_prints_its_credit_note_when_the_printer_is_set_so(
    open_counter: Counter,
) -> None:
    add_printer(open_counter, "receipt,credit_note")
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "170.00")

    paid = record_payment(open_counter.uow, request)

    assert paid.credit_note is not None
    kinds = [(j.kind.value, j.reference) for j in queue_status(open_counter.uow).jobs]
    assert kinds == [("receipt", paid.receipt_number), ("credit_note", paid.credit_note.number)]
