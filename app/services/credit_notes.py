"""Credit notes: create from a payment, apply to bills or services, read their state."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.db.queries.dues import ItemRow
from app.db.tables import CreditNote, CreditNoteApplication, Payment
from app.domain import credit_notes as rules
from app.domain.changes import Area, Changes, areas
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.events import CreditNoteActivated
from app.domain.ids import new_id
from app.domain.money import format_money, parse_amount
from app.domain.record_rules import check_credit_note
from app.domain.roles import PERMISSIONS
from app.services import item_refs
from app.services.actors import Actor, actor_for
from app.services.approvals import note_application_approval
from app.services.numbering_preview import next_number_preview
from app.services.unit_of_work import UnitOfWork

CHANGES = areas(Area.CREDIT_NOTES, Area.CONSUMERS, Area.PAYMENTS)


@dataclass(frozen=True)
class IssuedCreditNote:
    credit_note_id: uuid.UUID
    number: str
    amount_minor: int
    currency: str
    reason: str
    expires_on: str
    status: str = CreditNoteStatus.ACTIVE.value  # or Pending Approval, above the approval amount
    changes: Changes = field(default=CHANGES)


@dataclass(frozen=True)
class AppliedCredit:
    number: str
    applied_to: str
    amount_minor: int
    remaining_minor: int
    status: str
    currency: str
    changes: Changes = field(default=CHANGES)


def issue_credit_note(
    uow: UnitOfWork,
    *,
    actor: Actor,
    payment: Payment,
    amount_minor: int,
    reason: str,
    remarks: str | None,
    status: CreditNoteStatus = CreditNoteStatus.ACTIVE,
) -> IssuedCreditNote:
    """Write a credit note inside the caller's transaction (already validated).

    An overpayment kept as credit is issued Active: only a note made by hand from a payment
    can wait for approval (see create_credit_note)."""
    settings = uow.settings()
    today = uow.today()
    note = CreditNote(
        id=new_id(),
        terminal_id=uow.terminal().id,
        number=uow.next_number("credit_note", today),
        consumer_id=payment.consumer_id,
        payment_id=payment.id,
        currency=payment.currency,
        amount_minor=amount_minor,
        reason=reason,
        remarks=remarks,
        created_by=actor.user_id,
        created_at=uow.now(),
        created_on=today,
        expires_on=rules.expiry_date(today, settings.credit_note_expiry_days),
        status=status.value,
    )
    uow.credit_notes.add(note)
    snapshot = {
        "id": str(note.id),
        "number": note.number,
        "payment_id": str(payment.id),
        "receipt_number": payment.receipt_number,
        "consumer_id": str(note.consumer_id),
        "amount_minor": amount_minor,
        "currency": note.currency,
        "reason": reason,
        "remarks": remarks,
        "created_by": str(actor.user_id),
        "created_at": note.created_at.isoformat(),
        "expires_on": note.expires_on.isoformat(),
        "status": note.status,
    }
    # The server's rules for a pushed note, applied before it is written here too.
    check_credit_note(
        snapshot,
        currency=settings.currency,
        now=uow.now(),
        payment_amount_minor=payment.amount_minor,
    )
    uow.audit(
        user_id=actor.user_id,
        action="credit_note.created",
        entity="credit_note",
        entity_id=note.id,
        after=snapshot,
    )
    uow.enqueue("credit_note", note.id, snapshot)
    return IssuedCreditNote(
        note.id,
        note.number,
        amount_minor,
        note.currency,
        reason,
        note.expires_on.isoformat(),
        status=note.status,
    )


def credited_on_payment(uow: UnitOfWork, payment_id: uuid.UUID) -> int:
    """Credit already taken from this payment; a pending note counts, a rejected one not."""
    return uow.credit_notes.credited_on_payment(payment_id)


@dataclass(frozen=True)
class CreditNoteDraft:
    """What the Create credit note form shows before anything is written."""

    receipt_number: str
    consumer_name: str
    account_number: str
    payment_amount_minor: int
    payment_date: date
    method: str
    currency: str
    already_credited_minor: int
    maximum_minor: int  # the payment less the credit already taken from it
    next_number: str  # a preview: another counter write may take it first
    reasons: tuple[str, ...]
    approval_minor: int | None  # above this the note waits; None when this user may approve


def credit_note_draft(
    uow: UnitOfWork, receipt: str, username: str | None = None
) -> CreditNoteDraft:
    with uow:
        actor = actor_for(uow, username, "create_credit_note")
        settings = uow.settings()
        payment = _creditable_payment(uow, receipt)
        consumer = uow.consumers.get(payment.consumer_id)
        assert consumer is not None
        credited = credited_on_payment(uow, payment.id)
        return CreditNoteDraft(
            receipt_number=payment.receipt_number,
            consumer_name=consumer.name,
            account_number=consumer.account_number,
            payment_amount_minor=payment.amount_minor,
            payment_date=payment.payment_date,
            method=payment.method,
            currency=payment.currency,
            already_credited_minor=credited,
            maximum_minor=rules.creditable_minor(payment.amount_minor, credited),
            next_number=next_number_preview(uow, "credit_note"),
            reasons=settings.credit_note_reasons,
            approval_minor=None if may_approve(actor) else settings.credit_note_approval_minor,
        )


def _creditable_payment(uow: UnitOfWork, receipt: str) -> Payment:
    payment = uow.payments.by_number(receipt)
    if payment.status != "Posted":
        raise UserFacingError(
            f"Receipt {payment.receipt_number} is {payment.status.lower()}: "
            "credit notes can only be made from posted payments."
        )
    return payment


def create_credit_note(
    uow: UnitOfWork,
    *,
    receipt: str,
    amount: str | Decimal | int,
    reason: str,
    remarks: str | None = None,
    username: str | None = None,
) -> IssuedCreditNote:
    with uow:
        actor = actor_for(uow, username, "create_credit_note")
        settings = uow.settings()
        payment = _creditable_payment(uow, receipt)
        reason_name = settings.reason(reason)
        remarks_text = rules.check_remarks(remarks)
        amount_minor = parse_amount(amount, settings.currency, field="Credit amount")
        maximum = rules.creditable_minor(payment.amount_minor, credited_on_payment(uow, payment.id))
        rules.check_credit_amount(
            amount_minor, maximum, format_money(maximum, settings.currency, settings.locale)
        )
        issued = issue_credit_note(
            uow,
            actor=actor,
            payment=payment,
            amount_minor=amount_minor,
            reason=reason_name,
            remarks=remarks_text,
            status=status_on_creation(actor, amount_minor, settings.credit_note_approval_minor),
        )
        if issued.status == CreditNoteStatus.ACTIVE.value:
            uow.collect(CreditNoteActivated(issued.number, actor.user_id))
        uow.commit()
    return issued


def status_on_creation(actor: Actor, amount_minor: int, approval_minor: int) -> CreditNoteStatus:
    """Above the approval amount a note waits, unless its maker may approve it anyway."""
    if rules.needs_approval(amount_minor, approval_minor) and not may_approve(actor):
        return CreditNoteStatus.PENDING_APPROVAL
    return CreditNoteStatus.ACTIVE


def may_approve(actor: Actor) -> bool:
    return actor.role in PERMISSIONS["approve_credit_note"]


def apply_credit_note(
    uow: UnitOfWork,
    *,
    number: str,
    to: str,
    amount: str | Decimal | int,
    username: str | None = None,
) -> AppliedCredit:
    """Use credit against one of the consumer's unpaid bills, services or installments."""
    with uow:
        actor = actor_for(uow, username, "apply_credit_note")
        settings = uow.settings()
        note = uow.credit_notes.by_number(number)
        applied = uow.credit_notes.applied_minor(note.id)
        status = rules.status_of(
            amount_minor=note.amount_minor,
            applied_minor=applied,
            expires_on=note.expires_on,
            today=uow.today(),
            stored=note.status,
        )
        if status is CreditNoteStatus.PENDING_APPROVAL:
            raise UserFacingError(
                f"Credit note {note.number} is waiting for a billing manager's approval: "
                "it cannot be applied yet."
            )
        if status is not CreditNoteStatus.ACTIVE:
            raise UserFacingError(
                f"Credit note {note.number} is {status.value.lower()}: it cannot be applied."
            )
        approval = note_application_approval(uow, actor, note)
        amount_minor = parse_amount(amount, settings.currency, field="Amount")
        remaining = note.amount_minor - applied
        target = _target(uow, note, to)
        money = lambda m: format_money(m, settings.currency, settings.locale)  # noqa: E731
        if amount_minor <= 0:
            raise UserFacingError("Amount must be greater than zero.")
        if amount_minor > remaining:
            raise UserFacingError(f"Only {money(remaining)} of {note.number} remains to apply.")
        if amount_minor > target.outstanding_minor:
            raise UserFacingError(
                f"{target.reference} has only {money(target.outstanding_minor)} outstanding."
            )
        column = {
            "bill": "bill_id",
            "service": "service_charge_id",
            "installment": "installment_id",
        }[target.kind]
        application = CreditNoteApplication(
            id=new_id(),
            credit_note_id=note.id,
            amount_minor=amount_minor,
            applied_at=uow.now(),
            applied_by=actor.user_id,
            **{column: target.item_id},
        )
        uow.credit_notes.add_application(application)
        before = {"status": note.status, "applied_minor": applied}
        remaining -= amount_minor
        if remaining == 0:
            note.status = CreditNoteStatus.APPLIED.value
        uow.credit_notes.save(note)
        after = {
            "status": note.status,
            "applied_minor": applied + amount_minor,
            "applied_to": target.reference,
            "amount_minor": amount_minor,
        }
        uow.audit(
            user_id=actor.user_id,
            action="credit_note.applied",
            entity="credit_note",
            entity_id=note.id,
            before=before,
            after=after,
        )
        uow.enqueue(
            "credit_note_application",
            application.id,
            {
                "id": str(application.id),
                "credit_note_id": str(note.id),
                "target_kind": target.kind,
                "target_id": str(target.item_id),
                "amount_minor": amount_minor,
                "applied_at": application.applied_at.isoformat(),
                "applied_by": str(actor.user_id),
                **approval,
            },
        )
        uow.commit()
    return AppliedCredit(
        note.number, target.reference, amount_minor, remaining, note.status, note.currency
    )


def _target(uow: UnitOfWork, note: CreditNote, ref: str) -> ItemRow:
    consumer = uow.consumers.get(note.consumer_id)
    assert consumer is not None
    wanted = ref.strip().casefold()
    if not wanted:
        raise UserFacingError("Choose the bill or service to apply the credit to.")
    rows = [r for r in uow.consumers.items(consumer.id) if item_refs.matches(r, ref)]
    unpaid = [r for r in rows if r.outstanding_minor > 0]
    if not rows:
        raise UserFacingError(f"Account {consumer.account_number} has no bill or service '{ref}'.")
    if not unpaid:
        raise UserFacingError(f"{rows[0].reference} is already paid in full.")
    if len(unpaid) > 1:
        raise UserFacingError(f"'{ref}' matches more than one item: use its number.")
    return unpaid[0]
