"""This counter's printers and print jobs, as the print queue and settings look them up."""

import uuid
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.db.tables import Printer, PrintJob
from app.domain.printing import JobState

# Read at every payment (its automatic receipt): built once, its cache key reused.
_ON_TERMINAL = (
    select(Printer)
    .where(Printer.terminal_id == bindparam("terminal_id"))
    .order_by(Printer.created_at, Printer.name)
)


class PrinterRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def on_terminal(self, terminal_id: uuid.UUID) -> list[Printer]:
        """The terminal's printers in the order they were added."""
        return list(self.session.scalars(_ON_TERMINAL, {"terminal_id": terminal_id}))

    def by_name(self, terminal_id: uuid.UUID, name: str) -> Printer | None:
        return self.session.scalar(
            select(Printer).where(Printer.terminal_id == terminal_id, Printer.name == name)
        )

    def add(self, printer: Printer) -> None:
        self.session.add(printer)
        self.session.flush()

    def remove(self, printer: Printer) -> None:
        self.session.delete(printer)


class PrintJobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, job: PrintJob) -> None:
        self.session.add(job)
        self.session.flush()

    def get(self, job_id: uuid.UUID) -> PrintJob | None:
        return self.session.get(PrintJob, job_id)

    def by_id_prefix(self, prefix: str) -> list[PrintJob]:
        """Jobs whose id (lower case, no dashes) starts with `prefix`."""
        return list(
            self.session.scalars(select(PrintJob).where(func.lower(PrintJob.id).like(f"{prefix}%")))
        )

    def original_document(self, kind: str, reference: str) -> str | None:
        """The document JSON of the first print, as it was composed then."""
        return self.session.scalar(
            select(PrintJob.document_json).where(
                PrintJob.kind == kind, PrintJob.reference == reference, PrintJob.copy_number == 0
            )
        )

    def last_copy_number(self, kind: str, reference: str) -> int | None:
        return self.session.scalar(
            select(func.max(PrintJob.copy_number)).where(
                PrintJob.kind == kind, PrintJob.reference == reference
            )
        )

    def in_states(self, terminal_id: uuid.UUID, states: tuple[JobState, ...]) -> list[PrintJob]:
        """The terminal's jobs in these states, oldest first."""
        return list(
            self.session.scalars(
                select(PrintJob)
                .where(
                    PrintJob.terminal_id == terminal_id,
                    PrintJob.state.in_([s.value for s in states]),
                )
                .order_by(PrintJob.created_at, PrintJob.id)
            )
        )

    def printing_since(self, terminal_id: uuid.UUID, cutoff: datetime) -> list[PrintJob]:
        """Jobs the terminal started printing at or before `cutoff` and never finished."""
        return list(
            self.session.scalars(
                select(PrintJob).where(
                    PrintJob.terminal_id == terminal_id,
                    PrintJob.state == JobState.PRINTING.value,
                    PrintJob.started_at <= cutoff,
                )
            )
        )

    def recent(self, terminal_id: uuid.UUID, limit: int) -> list[PrintJob]:
        return list(
            self.session.scalars(
                select(PrintJob)
                .where(PrintJob.terminal_id == terminal_id)
                .order_by(PrintJob.created_at.desc(), PrintJob.id.desc())
                .limit(limit)
            )
        )

    def waiting_for(self, printer_name: str, states: tuple[JobState, ...]) -> int:
        """How many jobs for this printer are in these states (not printed yet)."""
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(PrintJob)
                .where(
                    PrintJob.printer_name == printer_name,
                    PrintJob.state.in_([s.value for s in states]),
                )
            )
            or 0
        )
