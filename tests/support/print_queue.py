"""The print queue in tests: a counter printer that captures, paying, running the queue."""

from collections.abc import Callable

from sqlalchemy import select

from app.db.database import Database
from app.db.tables import PrintJob
from app.domain.printing import PrinterConfig, PrinterLink
from app.services.print_worker import QueueRun, process_queue
from app.services.printers import add_printer
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment
from cli.wiring.printing import PortLink, open_printer, render_for_printer
from printing.ports import FakePrinter
from tests.unit.printing.escpos_decoder import Decoded, decode

BILL_1, BILL_2, SERVICE = "INV-2025-001234", "INV-2025-001567", "SC-2025-000101"


def pay(db: Database, item: str = BILL_1, **changes: str) -> RecordedPayment:
    amounts = {BILL_1: "145.50", BILL_2: "152.25", SERVICE: "75.00"}
    request = dict(
        account_number="WU-10001",
        payment_type="service" if item == SERVICE else "bill",
        items=(item,),
        method="Cash",
        amount=amounts[item],
        tendered="200.00",
        username="jsmith",
    )
    request.update(changes)
    return record_payment(db.unit_of_work(), PaymentRequest(**request))  # type: ignore[arg-type]


def add_counter_printer(db: Database, address: str, **options: object) -> PrinterConfig:
    settings: dict[str, object] = dict(kind="network", auto_print="receipt")
    settings.update(options)
    return add_printer(db.unit_of_work(), name="Counter", address=address, **settings)  # type: ignore[arg-type]


def jobs(db: Database) -> list[PrintJob]:
    with db.read() as uow:
        rows = list(uow.session.scalars(select(PrintJob).order_by(PrintJob.created_at)))
        uow.session.expunge_all()  # readable after the unit of work ends
        return rows


def run_queue(
    db: Database, link: Callable[[PrinterConfig], PrinterLink] = open_printer
) -> QueueRun:
    return process_queue(db.unit_of_work, render_for_printer, link)


def value_of(paper: Decoded, label: str) -> str:
    """The value printed after a label, or right-aligned on the next line when it did not fit."""
    texts = paper.texts
    (at,) = [i for i, t in enumerate(texts) if t.startswith(label)]
    return texts[at][len(label) :].strip() or texts[at + 1].strip()


class Capture:
    """An in-memory printer behind the real port adapter: what the queue sent, job by job."""

    def __init__(self) -> None:
        self.printer = FakePrinter()

    def __call__(self, config: PrinterConfig) -> PrinterLink:
        return PortLink(self.printer)

    @property
    def papers(self) -> list[Decoded]:
        return [decode(job) for job in self.printer.jobs]
