"""Verify an online payment: a supervisor confirms a Pending-verification payment is genuine."""

from dataclasses import dataclass, field

from app.domain.changes import Area, Changes, areas
from app.domain.errors import UserFacingError
from app.domain.payments import PaymentStatus, Verification
from app.services.actors import actor_for
from app.services.approvals import approval_block
from app.services.unit_of_work import UnitOfWork

VERIFIABLE = frozenset({PaymentStatus.POSTED.value, PaymentStatus.PENDING.value})


@dataclass(frozen=True)
class VerifiedPayment:
    receipt_number: str
    verification: str
    changes: Changes = field(default=areas(Area.PAYMENTS))


def verify_payment(uow: UnitOfWork, *, receipt: str, username: str | None) -> VerifiedPayment:
    with uow:
        actor = actor_for(uow, username, "verify_payment")
        payment = uow.payments.by_number(receipt)
        if payment.verification == Verification.VERIFIED.value:
            raise UserFacingError(f"Receipt {payment.receipt_number} is already verified.")
        if payment.status not in VERIFIABLE:
            raise UserFacingError(
                f"Receipt {payment.receipt_number} is {payment.status.lower()}: "
                "only posted or pending payments can be verified."
            )
        before = {"verification": payment.verification}
        payment.verification = Verification.VERIFIED.value
        after = {
            "verification": payment.verification,
            "verified_at": uow.now().isoformat(),
            "verified_by": str(actor.user_id),
        }
        uow.audit(
            user_id=actor.user_id,
            action="payment.verified",
            entity="payment",
            entity_id=payment.id,
            before=before,
            after=after,
        )
        approval = approval_block(
            uow,
            actor,
            entity="payment",
            subject_id=payment.id,
            owner_terminal_id=payment.terminal_id,
            action="verify",
        )
        uow.enqueue(
            "payment_verification", payment.id, {"payment_id": str(payment.id), **after, **approval}
        )
        uow.commit()
    return VerifiedPayment(payment.receipt_number, payment.verification)
