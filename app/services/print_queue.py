"""The print queue: jobs stored with the document they print, and what the cashier sees of it."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.db.tables import PrintJob
from app.domain.changes import Area, Changes, areas
from app.domain.document_json import document_to_json
from app.domain.documents import Formats, PrintDocument, Row, Section, header_lines
from app.domain.errors import NotFound, UserFacingError
from app.domain.ids import new_id
from app.domain.printing import UNPRINTED, DocumentKind, JobState, PrinterConfig
from app.services.actors import actor_for
from app.services.documents import credit_note_document, receipt_document
from app.services.printers import auto_printer, choose_printer
from app.services.unit_of_work import UnitOfWork

CHANGES = areas(Area.PRINT_QUEUE)
_DISMISSABLE = (JobState.QUEUED, JobState.WAITING, JobState.FAILED)


@dataclass(frozen=True)
class PrintJobView:
    job_id: uuid.UUID
    kind: DocumentKind
    reference: str
    copy_number: int
    state: JobState
    printer_name: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    printed_at: datetime | None
    changes: Changes = field(default=CHANGES)

    @property
    def title(self) -> str:
        """'Receipt R-T01-0001', 'Receipt R-T01-0001 (copy 2)'."""
        copy = f" (copy {self.copy_number})" if self.copy_number else ""
        return f"{self.kind.label} {self.reference}{copy}"


@dataclass(frozen=True)
class QueueStatus:
    """Jobs not printed yet and jobs that need a person, oldest first."""

    jobs: tuple[PrintJobView, ...]

    @property
    def waiting(self) -> tuple[PrintJobView, ...]:
        return tuple(j for j in self.jobs if j.state is JobState.WAITING)

    @property
    def needs_attention(self) -> tuple[PrintJobView, ...]:
        return tuple(j for j in self.jobs if j.state is JobState.FAILED)

    @property
    def next_attempt_at(self) -> datetime | None:
        due = [j.next_attempt_at for j in self.waiting if j.next_attempt_at is not None]
        return min(due, default=None)

    @property
    def message(self) -> str | None:
        """One line for the status bar, or None when there is nothing to say."""
        if self.needs_attention:
            count, first = len(self.needs_attention), self.needs_attention[0]
            verb = "needs" if count == 1 else "need"
            return f"{_jobs(count)} {verb} attention: {first.last_error}"
        if self.waiting:
            return f"Printer waiting, {_jobs(len(self.waiting))}: {self.waiting[0].last_error}"
        if self.jobs:
            return f"{_jobs(len(self.jobs))} to print."
        return None


def _jobs(count: int) -> str:
    return f"{count} print job{'s' if count != 1 else ''}"


def enqueue_receipt(
    uow: UnitOfWork, receipt_number: str, *, user_id: uuid.UUID | None
) -> PrintJobView | None:
    """The original receipt, in the caller's transaction, when a printer prints receipts itself.

    The document is composed now, so it shows the balance right after this payment however
    late it prints.
    """
    return enqueue_automatic(
        uow,
        DocumentKind.RECEIPT,
        lambda: receipt_document(uow, receipt_number, reprint=0),
        user_id=user_id,
    )


def enqueue_credit_note(
    uow: UnitOfWork, number: str, *, user_id: uuid.UUID | None
) -> PrintJobView | None:
    """An Active credit note's original, when a printer prints credit notes by itself."""
    return enqueue_automatic(
        uow,
        DocumentKind.CREDIT_NOTE,
        lambda: credit_note_document(uow, number, reprint=0),
        user_id=user_id,
    )


def enqueue_automatic(
    uow: UnitOfWork,
    kind: DocumentKind,
    compose: Callable[[], PrintDocument],
    *,
    user_id: uuid.UUID | None,
) -> PrintJobView | None:
    """The first print of a document, in the caller's transaction, if a printer of this
    counter prints this kind by itself (Settings > Printers); else nothing, and no job.

    `compose` is only called when a job is made: most counters print receipts only.
    """
    printer = auto_printer(uow, kind)
    if printer is None:
        return None
    return enqueue_document(uow, kind, compose(), printer=printer, user_id=user_id, copy_number=0)


def enqueue_document(
    uow: UnitOfWork,
    kind: DocumentKind,
    document: PrintDocument,
    *,
    printer: PrinterConfig,
    user_id: uuid.UUID | None,
    copy_number: int,
) -> PrintJobView:
    """Store one job in the caller's transaction, audited; the caller commits."""
    job = PrintJob(
        id=new_id(),
        terminal_id=uow.terminal().id,
        kind=kind.value,
        reference=document.number,
        document_json=document_to_json(document),
        copy_number=copy_number,
        state=JobState.QUEUED.value,
        attempts=0,
        printer_name=printer.name,
        created_at=uow.now(),
        created_by=user_id,
    )
    uow.print_jobs.add(job)
    uow.audit(
        user_id=user_id,
        action="print_job.queued",
        entity="print_job",
        entity_id=job.id,
        after={
            "kind": kind.value,
            "reference": job.reference,
            "copy_number": copy_number,
            "printer": printer.name,
        },
    )
    return view_of(job)


def print_receipt(
    uow: UnitOfWork, receipt: str, *, username: str | None = None, printer: str | None = None
) -> PrintJobView:
    """By receipt, payment or transaction number."""
    return print_document(uow, DocumentKind.RECEIPT, receipt, username=username, printer=printer)


def print_credit_note(
    uow: UnitOfWork, number: str, *, username: str | None = None, printer: str | None = None
) -> PrintJobView:
    return print_document(uow, DocumentKind.CREDIT_NOTE, number, username=username, printer=printer)


def print_document(
    uow: UnitOfWork,
    kind: DocumentKind,
    number: str,
    *,
    username: str | None = None,
    printer: str | None = None,
) -> PrintJobView:
    """Queue a receipt or credit note by hand: the original if it never went to a printer,
    else the next COPY (every earlier job of the document counts, printed or not)."""
    with uow:
        actor = actor_for(uow, username)
        target = choose_printer(uow, printer)
        compose: Callable[..., PrintDocument]
        if kind is DocumentKind.RECEIPT:
            reference, compose = uow.payments.by_number(number).receipt_number, receipt_document
        elif kind is DocumentKind.CREDIT_NOTE:
            reference, compose = uow.credit_notes.by_number(number).number, credit_note_document
        else:
            raise UserFacingError(f"A {kind.label.lower()} cannot be printed by its number.")
        copy_number = next_copy_number(uow, kind, reference)
        job = enqueue_document(
            uow,
            kind,
            compose(uow, reference, reprint=copy_number),
            printer=target,
            user_id=actor.user_id,
            copy_number=copy_number,
        )
        uow.commit()
        return job


def print_test_page(
    uow: UnitOfWork, *, printer: str | None = None, username: str | None = None
) -> PrintJobView:
    """A short page showing the printer's settings, the code page and the currency sign."""
    with uow:
        actor = actor_for(uow, username)
        target = choose_printer(uow, printer)
        reference = f"TEST-{target.name}"[:48]
        copy_number = next_copy_number(uow, DocumentKind.TEST, reference)
        document = _test_page(uow, target, reference)
        job = enqueue_document(
            uow,
            DocumentKind.TEST,
            document,
            printer=target,
            user_id=actor.user_id,
            copy_number=copy_number,
        )
        uow.commit()
        return job


def _test_page(uow: UnitOfWork, printer: PrinterConfig, reference: str) -> PrintDocument:
    settings = uow.settings()
    f = Formats(settings.currency, settings.locale, settings.timezone)
    rows = (
        Row("Printer", printer.name),
        Row("Connection", f"{printer.kind.value} {printer.address}"),
        Row("Paper", f"{printer.width_mm} mm"),
        Row("Code page", printer.code_page),
        Row("Terminal", uow.terminal().code),
        Row("Printed", f.moment(uow.now())),
        Row("Amount", f.money(123456)),
        Row("Automatic", ", ".join(sorted(k.label for k in printer.auto_print)) or "none"),
    )
    return PrintDocument(
        title="TEST PRINT",
        number=reference,
        header=header_lines(settings.receipt_header),
        logo=settings.receipt_logo or None,
        sections=(Section("Printer settings", rows),),
        footer=("If you can read this, the printer is set up.",),
        open_drawer=printer.opens_drawer,  # so the drawer wiring is tested as well
    )


def next_copy_number(uow: UnitOfWork, kind: DocumentKind, reference: str) -> int:
    """0 for the first print of a document, then 1, 2 ... for each reprint."""
    last = uow.print_jobs.last_copy_number(kind.value, reference)
    return 0 if last is None else last + 1


def cancel_job(uow: UnitOfWork, job: str, *, username: str | None = None) -> PrintJobView:
    """Take a job off the queue, or dismiss one that needs attention."""
    with uow:
        actor = actor_for(uow, username)
        row = find_job(uow, job)
        if JobState(row.state) not in _DISMISSABLE:
            raise UserFacingError(f"{view_of(row).title} is {row.state}: it cannot be cancelled.")
        _move(uow, row, JobState.CANCELLED, actor.user_id, "print_job.cancelled")
        uow.commit()
        return view_of(row)


def retry_job(uow: UnitOfWork, job: str, *, username: str | None = None) -> PrintJobView:
    """Send a job that needed attention again, once a person checked it did not print."""
    with uow:
        actor = actor_for(uow, username)
        row = find_job(uow, job)
        if JobState(row.state) not in (JobState.FAILED, JobState.WAITING):
            raise UserFacingError(f"{view_of(row).title} is {row.state}: nothing to retry.")
        _move(uow, row, JobState.QUEUED, actor.user_id, "print_job.retried")
        row.next_attempt_at = None
        uow.commit()
        return view_of(row)


def _move(
    uow: UnitOfWork, row: PrintJob, state: JobState, user_id: uuid.UUID | None, action: str
) -> None:
    before = {"state": row.state, "last_error": row.last_error}
    row.state = state.value
    uow.audit(
        user_id=user_id,
        action=action,
        entity="print_job",
        entity_id=row.id,
        before=before,
        after={"state": state.value},
    )


def find_job(uow: UnitOfWork, job: str) -> PrintJob:
    """A job by its id, or the first 8 or more characters of it."""
    text = job.strip().lower().replace("-", "")
    if len(text) < 8:
        raise UserFacingError("Give at least the first 8 characters of the job id.")
    rows = uow.print_jobs.by_id_prefix(text)
    if not rows:
        raise NotFound(f"No print job '{job.strip()}'.")
    if len(rows) > 1:
        raise UserFacingError(f"'{job.strip()}' matches more than one job: give more of the id.")
    return rows[0]


def queue_status(uow: UnitOfWork) -> QueueStatus:
    with uow:
        shown = (*UNPRINTED, JobState.FAILED)
        rows = uow.print_jobs.in_states(uow.terminal().id, shown)
        return QueueStatus(tuple(view_of(r) for r in rows))


def job_status(uow: UnitOfWork, job_id: uuid.UUID) -> PrintJobView:
    with uow:
        row = uow.print_jobs.get(job_id)
        if row is None:
            raise NotFound(f"No print job '{job_id}'.")
        return view_of(row)


def recent_jobs(uow: UnitOfWork, limit: int = 50) -> list[PrintJobView]:
    """Every job, newest first: what printed, when, and how many copies."""
    with uow:
        rows = uow.print_jobs.recent(uow.terminal().id, limit)
        return [view_of(r) for r in rows]


def view_of(row: PrintJob) -> PrintJobView:
    return PrintJobView(
        job_id=row.id,
        kind=DocumentKind(row.kind),
        reference=row.reference,
        copy_number=row.copy_number,
        state=JobState(row.state),
        printer_name=row.printer_name,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        printed_at=row.printed_at,
    )
