"""What follows from a use case's events, wired in one place: the unit of work runs these
handlers when it commits, so use cases do not import each other for follow-up work."""

from typing import TYPE_CHECKING

from app.db import follow_up
from app.domain.events import CreditNoteActivated, PaymentRecorded

if TYPE_CHECKING:
    from app.services.unit_of_work import UnitOfWork

# The handlers import their use case when they first run, not here: this module is imported
# with any service (app/services/__init__.py wires it), and the print queue pulls in the
# documents, printers and every table - a second of start-up for a command that prints nothing.


def print_receipt(uow: "UnitOfWork", event: PaymentRecorded) -> None:
    """The original receipt, if a printer of this counter prints receipts by itself."""
    from app.services.print_queue import enqueue_receipt

    enqueue_receipt(uow, event.receipt_number, user_id=event.user_id)


def print_credit_note(uow: "UnitOfWork", event: CreditNoteActivated) -> None:
    """The credit note's original, if a printer prints credit notes by itself."""
    from app.services.print_queue import enqueue_credit_note

    enqueue_credit_note(uow, event.number, user_id=event.user_id)


HANDLERS: dict[type, tuple[follow_up.Handler, ...]] = {
    PaymentRecorded: (print_receipt,),
    CreditNoteActivated: (print_credit_note,),
}


def wire() -> None:
    follow_up.install(HANDLERS)
