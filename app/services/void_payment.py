"""Void a payment the same day: a supervisor's correction that reverses its allocations."""

from dataclasses import dataclass, field

from app.db.tables import PaymentAllocation
from app.domain.changes import Area, Changes, areas
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.payments import PaymentStatus, void_reason_problem, void_refusal
from app.services.actors import actor_for
from app.services.approvals import approval_block
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class VoidedPayment:
    receipt_number: str
    status: str
    cancelled_credit_notes: tuple[str, ...]
    changes: Changes = field(
        default=areas(Area.PAYMENTS, Area.CONSUMERS, Area.KPIS, Area.CREDIT_NOTES)
    )


def void_payment(
    uow: UnitOfWork, *, receipt: str, reason: str, username: str | None
) -> VoidedPayment:
    with uow:
        actor = actor_for(uow, username, "void_payment")
        problem = void_reason_problem(reason)
        if problem is not None:
            raise UserFacingError(problem)
        reason_text = (reason or "").strip()
        payment = uow.payments.by_number(receipt)
        recorded_on = payment.recorded_at.astimezone(uow.settings().zone).date()
        refusal = void_refusal(payment.status, recorded_on, uow.today(), payment.receipt_number)
        if refusal is not None:
            raise UserFacingError(refusal)
        # A rejected note never was credit, and a cancelled one is already gone: both stay.
        notes = uow.credit_notes.still_credit_from(payment.id)
        for note in notes:
            if uow.credit_notes.times_applied(note.id):
                raise UserFacingError(
                    f"Credit note {note.number} from this payment has already been applied: "
                    "the payment cannot be voided."
                )
        uow.payments.add_allocations(
            [
                PaymentAllocation(
                    id=new_id(),
                    payment_id=payment.id,
                    bill_id=a.bill_id,
                    service_charge_id=a.service_charge_id,
                    installment_id=a.installment_id,
                    amount_minor=-a.amount_minor,
                    collection_days=a.collection_days,
                    reversal_of=a.id,
                )
                for a in uow.payments.allocations(payment.id)
            ]
        )
        for note in notes:
            previous = note.status  # Active, or Pending Approval
            note.status = CreditNoteStatus.CANCELLED.value
            uow.audit(
                user_id=actor.user_id,
                action="credit_note.cancelled",
                entity="credit_note",
                entity_id=note.id,
                before={"status": previous},
                after={"status": note.status, "reason": "payment voided"},
            )
        before = {"status": payment.status}
        payment.status = PaymentStatus.VOIDED.value
        payment.voided_at = uow.now()
        payment.voided_by = actor.user_id
        payment.void_reason = reason_text
        uow.payments.save(payment)
        after = {
            "status": payment.status,
            "reason": reason_text,
            "voided_at": payment.voided_at.isoformat(),
        }
        uow.audit(
            user_id=actor.user_id,
            action="payment.voided",
            entity="payment",
            entity_id=payment.id,
            before=before,
            after=after,
        )
        uow.enqueue(
            "payment_void",
            payment.id,
            {
                "payment_id": str(payment.id),
                **after,
                "voided_by": str(actor.user_id),
                **approval_block(
                    uow,
                    actor,
                    entity="payment",
                    subject_id=payment.id,
                    owner_terminal_id=payment.terminal_id,
                    action="void",
                ),
            },
        )
        uow.commit()
    return VoidedPayment(payment.receipt_number, payment.status, tuple(n.number for n in notes))
