"""Receipts and credit notes to download (PDF, ESC/POS file): the same document as on paper."""

from app.domain.document_json import document_from_json
from app.domain.documents import CreditNoteDocument, ReceiptDocument
from app.domain.payments import PaymentStatus
from app.domain.printing import DocumentKind
from app.services.actors import actor_for
from app.services.documents import credit_note_document, receipt_document
from app.services.unit_of_work import UnitOfWork


def receipt_for_download(
    uow: UnitOfWork, receipt: str, *, file_format: str, username: str | None = None
) -> ReceiptDocument:
    """The original as it was queued with the payment (its balance right after the payment),
    or composed now when none was queued or the payment changed since (voided)."""
    with uow:
        actor = actor_for(uow, username)
        payment = uow.payments.by_number(receipt)
        original = None
        if payment.status == PaymentStatus.POSTED.value:
            original = _original(uow, payment.receipt_number)
        document = original or receipt_document(uow, payment.receipt_number)
        uow.audit(
            user_id=actor.user_id,
            action="receipt.downloaded",
            entity="payment",
            entity_id=payment.id,
            after={"receipt_number": payment.receipt_number, "format": file_format},
        )
        uow.commit()
        return document


def credit_note_for_download(
    uow: UnitOfWork, number: str, *, file_format: str, username: str | None = None
) -> CreditNoteDocument:
    """A credit note as it stands now: applied, remaining, status."""
    with uow:
        actor = actor_for(uow, username)
        note = uow.credit_notes.by_number(number)
        document = credit_note_document(uow, note.number)
        uow.audit(
            user_id=actor.user_id,
            action="credit_note.downloaded",
            entity="credit_note",
            entity_id=note.id,
            after={"number": note.number, "format": file_format},
        )
        uow.commit()
        return document


def _original(uow: UnitOfWork, receipt_number: str) -> ReceiptDocument | None:
    stored = uow.print_jobs.original_document(DocumentKind.RECEIPT.value, receipt_number)
    if stored is None:
        return None
    document = document_from_json(stored)
    return document if isinstance(document, ReceiptDocument) else None
