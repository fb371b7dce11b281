"""Print queued jobs one at a time, off the GUI thread: claim, render, send, record.

Exactly once: a job is claimed ('printing') in one short transaction, sent with no transaction
open, and marked 'printed' in another. Only 'queued' and 'waiting' jobs are ever claimed, so a
job marked printed is never sent again. The one unsafe moment is a crash between the send and
the mark: the job is then left 'printing', and after INTERRUPTED_AFTER it becomes 'failed' and
is shown to the cashier instead of being resent - a missing receipt is put right with one
reprint (marked COPY); a second original cannot be taken back. A printer that dropped part of
a job (`partial`) is treated the same way. Nothing-sent failures (offline, paper out) wait and
retry with back-off, keeping each printer's jobs in the order they were queued.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from app.db.tables import PrintJob
from app.domain.changes import Changes
from app.domain.document_json import document_from_json
from app.domain.printing import (
    INTERRUPTED_AFTER,
    LONGEST_WAIT,
    PRINTABLE,
    JobState,
    OpenPrinter,
    PrintAttemptFailed,
    PrinterConfig,
    Render,
    retry_delay,
)
from app.services.print_queue import CHANGES, PrintJobView, view_of
from app.services.printers import printer_by_name
from app.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

UnitOfWorkFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class QueueRun:
    """What one pass over the queue did, job by job, in the order they were tried."""

    jobs: tuple[PrintJobView, ...]
    changes: Changes = field(default=CHANGES)

    def in_state(self, state: JobState) -> tuple[PrintJobView, ...]:
        return tuple(j for j in self.jobs if j.state is state)

    @property
    def printed(self) -> tuple[PrintJobView, ...]:
        return self.in_state(JobState.PRINTED)


@dataclass(frozen=True)
class _Claim:
    job_id: uuid.UUID
    document_json: str
    printer: PrinterConfig
    was_waiting: bool


@dataclass(frozen=True)
class _Outcome:
    state: JobState
    error: str | None = None
    blocks_printer: bool = True  # later jobs of that printer wait, to keep their order


def process_queue(
    unit_of_work: UnitOfWorkFactory,
    render: Render,
    open_printer: OpenPrinter,
    *,
    max_jobs: int | None = None,
) -> QueueRun:
    """Print every job that is due now; `unit_of_work` gives a fresh writer unit of work."""
    recover_interrupted(unit_of_work())
    tried: list[PrintJobView] = []
    held: set[str] = set()  # printers that failed in this pass
    while max_jobs is None or len(tried) < max_jobs:
        claim = _claim_next(unit_of_work(), held)
        if claim is None:
            break
        outcome = _attempt(claim, render, open_printer)
        tried.append(_record(unit_of_work(), claim, outcome))
        if outcome.state is not JobState.PRINTED and outcome.blocks_printer:
            held.add(claim.printer.name.casefold())
    return QueueRun(tuple(tried))


def recover_interrupted(
    uow: UnitOfWork, *, older_than: timedelta = INTERRUPTED_AFTER
) -> list[PrintJobView]:
    """Jobs left 'printing' by a crash: shown as needing attention, never resent blindly."""
    with uow:
        cutoff = uow.now() - older_than
        rows = uow.print_jobs.printing_since(uow.terminal().id, cutoff)
        for row in rows:
            row.state = JobState.FAILED.value
            row.last_error = (
                f"Printing of {view_of(row).title} was interrupted: check whether it came out "
                "of the printer, then reprint or dismiss it."
            )
            _audit(uow, row, "print_job.interrupted")
        uow.commit()
        return [view_of(r) for r in rows]


def _claim_next(uow: UnitOfWork, held: set[str]) -> _Claim | None:
    """The oldest job of the first printer with something due, marked 'printing'."""
    with uow:
        now = uow.now()
        rows = uow.print_jobs.in_states(uow.terminal().id, tuple(PRINTABLE))
        heads: dict[str, PrintJob] = {}
        due: set[str] = set()
        for row in rows:
            key = row.printer_name.casefold()
            heads.setdefault(key, row)
            # A new job also retries the older ones waiting before it: the printer may be back.
            if row.state == JobState.QUEUED or (row.next_attempt_at or now) <= now:
                due.add(key)
        for key, head in heads.items():
            if key in held or key not in due:
                continue
            printer = printer_by_name(uow, head.printer_name)
            if printer is None or not printer.enabled:
                _hold(uow, head, _unavailable(head.printer_name, printer))
                held.add(key)
                continue
            claim = _Claim(head.id, head.document_json, printer, head.state == JobState.WAITING)
            head.state = JobState.PRINTING.value
            head.attempts += 1
            head.started_at = now
            uow.commit()
            return claim
        uow.commit()  # the holds above
        return None


def _unavailable(name: str, printer: PrinterConfig | None) -> str:
    if printer is None:
        return f"Printer '{name}' is no longer set up: add it again or cancel the job."
    return f"Printer '{name}' is switched off in settings."


def _hold(uow: UnitOfWork, row: PrintJob, reason: str) -> None:
    was = row.state
    row.state = JobState.WAITING.value
    row.last_error = reason
    row.next_attempt_at = uow.now() + LONGEST_WAIT
    if was != JobState.WAITING:
        _audit(uow, row, "print_job.waiting")


def _attempt(claim: _Claim, render: Render, open_printer: OpenPrinter) -> _Outcome:
    """Render and send with no transaction open; say what happened, never raise."""
    printer = claim.printer
    try:
        document = document_from_json(claim.document_json)
        if not printer.opens_drawer:
            document = replace(document, open_drawer=False)
        data = render(document, printer)
    except Exception as error:
        log.exception("print job %s could not be rendered", claim.job_id)
        return _Outcome(
            JobState.FAILED,
            f"The document could not be drawn for printer '{printer.name}' ({error}).",
            blocks_printer=False,
        )
    try:
        link = open_printer(printer)
    except PrintAttemptFailed as error:
        return _Outcome(JobState.WAITING, error.message)
    except Exception as error:
        log.exception("printer %s could not be opened", printer.name)
        return _Outcome(JobState.WAITING, f"Printer '{printer.name}' cannot be used ({error}).")
    try:
        link.send(data)
    except PrintAttemptFailed as error:
        if error.partial:
            return _Outcome(JobState.FAILED, f"{error.message} {_PARTIAL}")
        return _Outcome(JobState.WAITING, error.message)
    except Exception as error:
        log.exception("print job %s failed while sending", claim.job_id)
        return _Outcome(JobState.FAILED, f"Printing stopped unexpectedly ({error}). {_PARTIAL}")
    return _Outcome(JobState.PRINTED)


_PARTIAL = "Part of it may have printed: check the printer, then reprint or dismiss it."


def _record(uow: UnitOfWork, claim: _Claim, outcome: _Outcome) -> PrintJobView:
    with uow:
        row = uow.print_jobs.get(claim.job_id)
        assert row is not None
        now = uow.now()
        if outcome.state is JobState.PRINTED:
            row.state, row.printed_at = JobState.PRINTED.value, now
            row.last_error = row.next_attempt_at = None
            _audit(uow, row, "print_job.printed")
        elif row.state == JobState.PRINTING:
            row.state, row.last_error = outcome.state.value, outcome.error
            if outcome.state is JobState.WAITING:
                row.next_attempt_at = now + retry_delay(row.attempts)
                if not claim.was_waiting:
                    _audit(uow, row, "print_job.waiting")
            else:
                row.next_attempt_at = None
                _audit(uow, row, "print_job.failed")
        uow.commit()
        return view_of(row)


def _audit(uow: UnitOfWork, row: PrintJob, action: str) -> None:
    uow.audit(
        user_id=None,
        action=action,
        entity="print_job",
        entity_id=row.id,
        after={
            "kind": row.kind,
            "reference": row.reference,
            "copy_number": row.copy_number,
            "printer": row.printer_name,
            "state": row.state,
            "attempts": row.attempts,
            "error": row.last_error,
        },
    )
