"""A void or a verification of a stored payment: checked, allowed only to the terminal that
took the payment or with a supervisor's signed approval, then merged into the payment."""

import uuid
from typing import Any

from sqlalchemy import select, update

from app.domain.payments import PaymentStatus, Verification
from app.domain.record_rules import check_payment_verification, check_payment_void
from sync.server.feed import NewChange
from sync.server.incoming import Incoming, Projected, jsonb, obey, same_subject
from sync.server.records import PaymentVerificationIn, PaymentVoidIn, Rejected, parse
from sync.server.tables import payments
from sync.server.trust import require_approval

VERIFIABLE = (PaymentStatus.POSTED.value, PaymentStatus.PENDING.value)


def store_void(incoming: Incoming) -> Projected:
    void = parse(PaymentVoidIn, incoming.payload)
    same_subject(incoming, void.payment_id)
    obey(check_payment_void, incoming.payload, now=incoming.now)
    stored = _payment(incoming, void.payment_id)
    if stored.status != PaymentStatus.POSTED.value:
        raise Rejected(
            f"payment {_words(stored)} is {stored.status}: only a posted payment can be voided"
        )
    return _merge(incoming, stored, "void", {"status": PaymentStatus.VOIDED.value})


def store_verification(incoming: Incoming) -> Projected:
    verified = parse(PaymentVerificationIn, incoming.payload)
    same_subject(incoming, verified.payment_id)
    obey(check_payment_verification, incoming.payload, now=incoming.now)
    stored = _payment(incoming, verified.payment_id)
    if stored.status not in VERIFIABLE:
        raise Rejected(
            f"payment {_words(stored)} is {stored.status}: "
            "only a posted or pending payment can be verified"
        )
    if stored.verification == Verification.VERIFIED.value:
        # Verified at two counters: the first verification stands, nothing else changes.
        return Projected()
    return _merge(incoming, stored, "verify", {"verification": Verification.VERIFIED.value})


def _payment(incoming: Incoming, payment_id: uuid.UUID) -> Any:
    row = incoming.connection.execute(
        select(
            payments.c.id,
            payments.c.terminal_id,
            payments.c.receipt_number,
            payments.c.external_id,
            payments.c.status,
            payments.c.verification,
        )
        .where(payments.c.id == payment_id)
        .with_for_update()
    ).first()
    if row is None:
        raise Rejected(f"unknown payment {payment_id}")
    return row


def _words(row: Any) -> str:
    return str(row.receipt_number or row.external_id or row.id)


def _merge(incoming: Incoming, stored: Any, action: str, columns: dict[str, str]) -> Projected:
    """The change's fields join the payment's data; a cross-terminal approval is kept beside
    them under its own name, so a later change never overwrites an earlier approval."""
    approval = require_approval(
        incoming,
        entity="payment",
        subject_id=stored.id,
        subject_words=f"payment {_words(stored)}",
        owner_terminal_id=stored.terminal_id,
        action=action,
    )
    extra = {k: v for k, v in incoming.payload.items() if k not in ("payment_id", "approval")}
    if approval is not None:
        extra[f"{action}_approval"] = approval
    row = incoming.connection.execute(
        update(payments)
        .where(payments.c.id == stored.id)
        .values(**columns, data=payments.c.data.op("||")(jsonb(extra)), updated_at=incoming.now)
        .returning(payments.c.data)
    ).one()
    return Projected(changes=[NewChange("payment", str(stored.id), dict(row.data))])
