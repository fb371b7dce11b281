"""The print queue on a real database and a real loopback printer: stored with the payment,
waits while the printer is away, prints every receipt exactly once, reprints marked COPY."""

import json
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import AuditEvent, Payment
from app.domain.document_json import document_from_json, document_to_json
from app.domain.documents import ReceiptDocument
from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.printing import CODE_PAGES, FIRST_RETRY, JobState, PrinterConfig, PrinterLink
from app.services.documents import receipt_document
from app.services.print_exports import receipt_for_download
from app.services.print_queue import (
    cancel_job,
    print_receipt,
    print_test_page,
    queue_status,
    retry_job,
)
from app.services.printers import add_printer, list_printers, remove_printer, update_printer
from app.services.record_payment import PaymentRequest, record_payment
from cli.wiring.printing import open_printer
from printing.profiles import ESCPOS_CODE_PAGES
from tests.support.clock import FakeClock
from tests.support.print_queue import (
    BILL_1,
    BILL_2,
    SERVICE,
    Capture,
    add_counter_printer,
    jobs,
    pay,
    run_queue,
    value_of,
)
from tests.support.printer import PrinterStandIn
from tests.unit.printing.escpos_decoder import decode


def audit_actions(db: Database, prefix: str) -> list[tuple[str, dict]]:
    with db.read() as uow:
        rows = uow.session.execute(
            select(AuditEvent.action, AuditEvent.after_json)
            .where(AuditEvent.action.like(f"{prefix}%"))
            .order_by(AuditEvent.seq)
        )
        return [(action, json.loads(after or "null")) for action, after in rows]


def receipts_on_paper(connections: list[bytes]) -> Counter[str]:
    """Receipt numbers as printed, one count per cut: what a cashier would hand over."""
    printed: Counter[str] = Counter()
    for data in connections:
        paper = decode(data)
        if not paper.of_kind("cut"):
            continue
        (barcode,) = paper.of_kind("barcode")
        printed[barcode.value["data"]] += len(paper.of_kind("cut"))  # type: ignore[index]
    return printed


@pytest.fixture
def stand_in() -> Iterator[PrinterStandIn]:
    printer = PrinterStandIn()
    yield printer
    printer.stop()


# -- stored with the payment ----------------------------------------------------------------
def test_a_payment_stores_its_original_receipt_job_when_the_printer_prints_receipts(db):
    add_counter_printer(db, "127.0.0.1:9")

    recorded = pay(db)

    (job,) = jobs(db)
    assert (job.kind, job.reference, job.copy_number) == ("receipt", recorded.receipt_number, 0)
    assert job.state == "queued" and job.printer_name == "Counter"
    document = document_from_json(job.document_json)
    assert isinstance(document, ReceiptDocument)
    assert document.receipt_number == "R-T01-0001" and document.copy_mark is None
    ((action, after),) = audit_actions(db, "print_job")
    assert action == "print_job.queued"
    assert after == {
        "kind": "receipt",
        "reference": "R-T01-0001",
        "copy_number": 0,
        "printer": "Counter",
    }


def test_a_payment_whose_commit_fails_leaves_neither_payment_nor_print_job(db, monkeypatch):
    add_counter_printer(db, "127.0.0.1:9")
    uow = db.unit_of_work()

    def disk_full() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(uow, "commit", disk_full)
    request = PaymentRequest(
        "WU-10001", "bill", (BILL_1,), "Credit Card", "145.50", username="jsmith"
    )
    with pytest.raises(OSError, match="disk full"):
        record_payment(uow, request)

    assert jobs(db) == []
    with db.read() as read:
        assert read.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_refused_payment_queues_no_receipt(db):
    add_counter_printer(db, "127.0.0.1:9")
    with pytest.raises(UserFacingError, match="Unknown payment method"):
        pay(db, method="Bitcoin")
    assert jobs(db) == []


def test_no_receipt_is_queued_when_no_printer_prints_receipts_by_itself(db):
    add_counter_printer(db, "127.0.0.1:9", auto_print="credit_note")
    pay(db)
    assert jobs(db) == []


def test_the_receipt_shows_the_balance_right_after_its_payment_however_late_it_prints(db):
    add_counter_printer(db, "127.0.0.1:9")
    capture = Capture()
    first = pay(db)
    pay(db, BILL_2)  # the account moves on before the first receipt prints

    run_queue(db, capture)

    first_paper, second_paper = capture.papers
    assert value_of(first_paper, "Balance after payment") == "$454.75 *"
    assert value_of(second_paper, "Balance after payment") == "$302.50 *"
    # a download of the original says what the paper said
    downloaded = receipt_for_download(
        db.unit_of_work(), first.receipt_number, file_format="pdf", username="jsmith"
    )
    assert downloaded.balance_after_minor == 45475 and downloaded.copy_mark is None


# -- the printer goes away and comes back ---------------------------------------------------
def test_a_printer_that_goes_away_mid_queue_keeps_jobs_waiting_and_prints_each_exactly_once(
    db, clock: FakeClock
):
    first = PrinterStandIn()
    port = first.port
    add_counter_printer(db, f"127.0.0.1:{port}")
    for item in (BILL_1, BILL_2, SERVICE):
        pay(db, item)

    def goes_away_after_one_job(config: PrinterConfig) -> PrinterLink:
        link = open_printer(config)

        class SwitchedOffAfterwards:
            description = link.description

            def send(self, data: bytes) -> None:
                link.send(data)
                first.wait_for_connections(1)
                first.stop()  # the cable is pulled as soon as the first receipt is out

        return SwitchedOffAfterwards()

    run = run_queue(db, goes_away_after_one_job)

    assert [(j.reference, j.state) for j in run.jobs] == [
        ("R-T01-0001", JobState.PRINTED),
        ("R-T01-0002", JobState.WAITING),
    ]
    status = queue_status(db.read())
    assert [(j.reference, j.state) for j in status.jobs] == [
        ("R-T01-0002", JobState.WAITING),
        ("R-T01-0003", JobState.QUEUED),  # kept behind the waiting one, in order
    ]
    assert status.message is not None and status.message.startswith("Printer waiting, 1 print job")
    assert f"127.0.0.1:{port} is not reachable" in status.message
    assert status.next_attempt_at == clock.now + FIRST_RETRY

    run_queue(db)  # still away: tried again (a queued job nudges the queue), nothing lost
    assert [j.state for j in queue_status(db.read()).jobs] == [JobState.WAITING, JobState.QUEUED]

    back = PrinterStandIn(port)
    try:
        clock.advance(minutes=1)
        run = run_queue(db)
        assert [(j.reference, j.state) for j in run.jobs] == [
            ("R-T01-0002", JobState.PRINTED),
            ("R-T01-0003", JobState.PRINTED),
        ]
        clock.advance(minutes=10)
        assert run_queue(db).jobs == ()  # printed jobs are never sent again
        back.wait_for_connections(2)
        on_paper = receipts_on_paper(first.jobs + back.jobs)
    finally:
        back.stop()

    assert on_paper == {"R-T01-0001": 1, "R-T01-0002": 1, "R-T01-0003": 1}
    assert queue_status(db.read()).message is None
    events = [a for a, _ in audit_actions(db, "print_job")]
    assert events.count("print_job.printed") == 3
    assert events.count("print_job.waiting") == 1  # the first time it had to wait, not each try


def test_a_printer_dropping_part_of_a_job_needs_attention_and_is_never_resent_by_itself(
    db, clock: FakeClock
):
    dropping = PrinterStandIn(drop_after=200)
    try:
        add_counter_printer(db, f"127.0.0.1:{dropping.port}")
        pay(db)
        (job,) = run_queue(db).jobs
        assert job.state is JobState.FAILED
        assert "Part of it may have printed" in (job.last_error or "")
        clock.advance(hours=1)
        assert run_queue(db).jobs == ()
        dropping.wait_for_connections(1)
        assert len(dropping.jobs) == 1
        assert queue_status(db.read()).message.startswith("1 print job needs attention:")  # type: ignore[union-attr]

        # a person checked the paper: nothing usable came out, so send it again
        retry_job(db.unit_of_work(), str(job.job_id), username="jsmith")
        dropping.drop_after = None
        (again,) = run_queue(db).jobs
        assert again.state is JobState.PRINTED
    finally:
        dropping.stop()
    assert [a for a, _ in audit_actions(db, "print_job")] == [
        "print_job.queued",
        "print_job.failed",
        "print_job.retried",
        "print_job.printed",
    ]


class Crash(BaseException):
    """The process dies: nothing after it runs."""


def test_a_crash_between_sending_and_marking_printed_is_shown_not_printed_again(
    db, clock: FakeClock, stand_in: PrinterStandIn
):
    add_counter_printer(db, f"127.0.0.1:{stand_in.port}")
    pay(db)

    def dies_after_sending(config: PrinterConfig) -> PrinterLink:
        link = open_printer(config)

        class DiesAfterwards:
            description = link.description

            def send(self, data: bytes) -> None:
                link.send(data)
                raise Crash

        return DiesAfterwards()

    with pytest.raises(Crash):
        run_queue(db, dies_after_sending)
    assert [j.state for j in queue_status(db.read()).jobs] == [JobState.PRINTING]

    assert run_queue(db).jobs == ()  # restarted at once: a job in flight is left alone
    clock.advance(minutes=3)
    assert run_queue(db).jobs == ()

    (job,) = queue_status(db.read()).needs_attention
    assert "was interrupted: check whether it came out" in (job.last_error or "")
    stand_in.wait_for_connections(1)
    assert receipts_on_paper(stand_in.jobs) == {"R-T01-0001": 1}


# -- reprints, drawer, test page --------------------------------------------------------------
def test_reprints_are_marked_copy_with_their_count_and_every_print_is_audited(db):
    add_counter_printer(db, "127.0.0.1:9")
    capture = Capture()
    pay(db)
    first = print_receipt(db.unit_of_work(), "R-T01-0001", username="jsmith")
    second = print_receipt(db.unit_of_work(), "PAY-2025-T01-000001", username="mbrown")

    run = run_queue(db, capture)

    assert (first.copy_number, second.copy_number) == (1, 2)
    assert [j.title for j in run.printed] == [
        "Receipt R-T01-0001",
        "Receipt R-T01-0001 (copy 1)",
        "Receipt R-T01-0001 (copy 2)",
    ]
    original, copy_1, copy_2 = capture.papers
    assert not any("COPY" in t for t in original.texts)
    assert any("*** COPY - reprint 1 ***" in t for t in copy_1.texts)
    assert any("*** COPY - reprint 2 ***" in t for t in copy_2.texts)
    assert [len(p.of_kind("drawer")) for p in capture.papers] == [1, 0, 0]  # cash: original only
    assert value_of(copy_2, "Current balance") == "$454.75 *"
    queued = [
        after for action, after in audit_actions(db, "print_job") if action.endswith("queued")
    ]
    assert [(a["reference"], a["copy_number"]) for a in queued] == [
        ("R-T01-0001", 0),
        ("R-T01-0001", 1),
        ("R-T01-0001", 2),
    ]
    assert [a for a, _ in audit_actions(db, "print_job")].count("print_job.printed") == 3


def test_a_printer_without_a_drawer_never_pulses_it(db):
    add_counter_printer(db, "127.0.0.1:9", opens_drawer=False)
    capture = Capture()
    pay(db)
    run_queue(db, capture)
    (paper,) = capture.papers
    assert paper.of_kind("drawer") == [] and len(paper.of_kind("cut")) == 1


def test_a_test_page_shows_the_printer_settings(db):
    add_counter_printer(db, "192.168.1.50:9100", width_mm=58, code_page="cp858")
    capture = Capture()
    job = print_test_page(db.unit_of_work(), username="jsmith")
    (printed,) = run_queue(db, capture).printed
    assert printed.job_id == job.job_id
    (paper,) = capture.papers
    assert any("TEST PRINT" in t for t in paper.texts)
    assert value_of(paper, "Connection") == "network 192.168.1.50:9100"
    assert value_of(paper, "Code page") == "CP858"
    assert max(len(t) for t in paper.texts if paper.lines) <= 32  # laid out for 58 mm


def test_a_job_for_a_switched_off_printer_waits_and_says_why(db):
    add_counter_printer(db, "127.0.0.1:9")
    pay(db)
    update_printer(db.unit_of_work(), "Counter", enabled=False)
    assert run_queue(db).jobs == ()
    (job,) = queue_status(db.read()).waiting
    assert job.last_error == "Printer 'Counter' is switched off in settings."
    cancelled = cancel_job(db.unit_of_work(), str(job.job_id)[:8], username="jsmith")
    assert cancelled.state is JobState.CANCELLED and queue_status(db.read()).jobs == ()


# -- printer settings -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "Give the printer a name"),
        (
            {"kind": "bluetooth"},
            "Unknown printer kind 'bluetooth': use network, usb, serial or file.",
        ),
        ({"address": "192.168.1.50:99999"}, "Port '99999' is not a port number"),
        ({"address": "printer at desk"}, "is not a network printer address"),
        ({"kind": "usb", "address": "epson"}, "'epson' is not a USB printer id"),
        ({"kind": "serial", "address": ""}, "Enter a serial port such as /dev/ttyUSB0 or COM3."),
        ({"width_mm": 76}, "Paper width must be 58 or 80 mm, not '76'."),
        ({"code_page": "UTF-8"}, "Unknown printer code page 'UTF-8'. Use one of: CP437"),
        ({"auto_print": "receipts"}, "Unknown document 'receipts' to print automatically"),
    ],
)
def test_printer_settings_are_refused_with_a_message_saying_what_to_type(db, changes, message):
    settings = dict(name="Counter", kind="network", address="192.168.1.50")
    settings.update(changes)
    with pytest.raises(UserFacingError) as refused:
        add_printer(db.unit_of_work(), **settings)  # type: ignore[arg-type]
    assert message in refused.value.message
    assert list_printers(db.read()) == []


def test_printers_are_added_changed_and_removed_by_an_admin_and_audited(db):
    add_counter_printer(db, "192.168.1.50")
    with pytest.raises(UserFacingError, match="already has a printer named 'Counter'"):
        add_counter_printer(db, "192.168.1.51")
    with pytest.raises(PermissionDenied, match=r"A cashier may not change settings\."):
        add_printer(
            db.unit_of_work(), name="Back", kind="file", address="/dev/usb/lp0", username="jsmith"
        )

    changed = update_printer(db.unit_of_work(), "counter", kind="usb", address="04B8:0202")
    assert (changed.kind.value, changed.address, changed.width_mm) == ("usb", "04b8:0202", 80)
    with pytest.raises(UserFacingError, match="not a USB printer id"):
        update_printer(db.unit_of_work(), "Counter", address="192.168.1.50")

    pay(db)  # queued for the printer
    with pytest.raises(UserFacingError, match="still has 1 job"):
        remove_printer(db.unit_of_work(), "Counter")
    (job,) = queue_status(db.read()).jobs
    cancel_job(db.unit_of_work(), str(job.job_id))
    remove_printer(db.unit_of_work(), "Counter")
    assert list_printers(db.read()) == []
    assert [a for a, _ in audit_actions(db, "printer.")] == [
        "printer.added",
        "printer.changed",
        "printer.removed",
    ]


def test_printing_without_a_printer_says_how_to_add_one(db):
    pay(db)
    with pytest.raises(UserFacingError, match="no printer set up: add one in Settings > Printers"):
        print_receipt(db.unit_of_work(), "R-T01-0001")


def test_every_code_page_offered_in_settings_is_one_the_renderer_can_select():
    assert set(CODE_PAGES) == set(ESCPOS_CODE_PAGES)


def test_a_stored_receipt_reads_back_exactly_as_it_was_composed(db):
    pay(db)
    document = receipt_document(db.read(), "R-T01-0001")
    assert document_from_json(document_to_json(document)) == document
