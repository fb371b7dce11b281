"""Consumer disputes on a payment or a bill: record one, follow it (under review, an owner) and
settle it (resolved or rejected, with the resolution), audited and sent to the server in the
same transaction. The recovery service never charges what is disputed (disputes_recovery)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.db.tables import Consumer, Dispute
from app.domain.changes import Area, Changes, areas
from app.domain.disputes import (
    ACTIVE,
    CLOSED,
    OWNER_MAX,
    REASON_MAX,
    RESOLUTION_MAX,
    STATUS_WORDS,
    DisputeStatus,
    DisputeSubject,
    check_dispute,
    move_problem,
)
from app.domain.errors import NotFound, UserFacingError
from app.domain.ids import new_id
from app.services.actors import Actor, actor_for
from app.services.disputes_local import dispute_notice, local_recovery, pass_disputes
from app.services.disputes_recovery import DisputeNotice
from app.services.unit_of_work import UnitOfWork

CHANGES = areas(Area.DISPUTES, Area.CONSUMERS)


@dataclass(frozen=True)
class DisputeView:
    """One dispute as screens and the CLI show it."""

    id: uuid.UUID
    account_number: str
    subject: str  # payment | bill
    subject_number: str
    reason: str
    status: str
    resolution: str
    owner: str
    opened_at: datetime
    opened_by: str
    updated_at: datetime
    updated_by: str
    resolved_at: datetime | None
    changes: Changes = field(default=CHANGES)

    @property
    def short_id(self) -> str:
        return str(self.id)[:8]

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[DisputeStatus(self.status)]

    @property
    def active(self) -> bool:
        return DisputeStatus(self.status) in ACTIVE


def open_dispute(
    uow: UnitOfWork,
    *,
    account_number: str,
    subject: str,
    number: str,
    reason: str,
    owner: str = "",
    username: str | None,
) -> DisputeView:
    """A new dispute on one of the consumer's payments (receipt, payment or transaction
    number) or bills (invoice number). One open dispute per payment or bill at a time."""
    with uow:
        actor = actor_for(uow, username, "handle_dispute")
        consumer = _consumer(uow, account_number)
        reason_text = _text(reason, REASON_MAX, "Say what the consumer disputes (the reason).")
        owner_text = _optional(owner, OWNER_MAX, "owner")
        payment_id, bill_id, subject_number = _subject(uow, consumer, subject, number)
        open_one = uow.disputes.open_on(
            payment_id=payment_id, bill_id=bill_id, statuses=[s.value for s in ACTIVE]
        )
        if open_one is not None:
            raise UserFacingError(
                f"{subject_number} already has an open dispute ({str(open_one)[:8]}): "
                "follow that one."
            )
        now = uow.now()
        dispute = Dispute(
            id=new_id(), consumer_id=consumer.id, subject=subject, payment_id=payment_id,
            bill_id=bill_id, subject_number=subject_number, reason=reason_text,
            status=DisputeStatus.OPEN.value, resolution=None, owner=owner_text,
            opened_at=now, opened_by=actor.username, updated_at=now,
            updated_by=actor.username, resolved_at=None, version=1,
        )  # fmt: skip
        snapshot = dispute_snapshot(dispute, consumer.account_number)
        check_dispute(snapshot, now=now)
        uow.disputes.add(dispute)
        _record(uow, actor, dispute, "dispute.opened", None, snapshot)
        local = _local_notices(uow, consumer.id, consumer.account_number)
        uow.commit()
        pass_disputes(*local, now)  # a standalone counter's own recovery cases
        return _view(dispute, consumer.account_number)


def update_dispute(
    uow: UnitOfWork,
    *,
    dispute_ref: str,
    status: str | None = None,
    resolution: str | None = None,
    owner: str | None = None,
    username: str | None,
) -> DisputeView:
    """Move a dispute on (open -> under review -> resolved or rejected), name its owner, or
    write its resolution. Resolving or rejecting needs a recovery executive or a supervisor."""
    with uow:
        actor = actor_for(uow, username, "handle_dispute")
        dispute = _dispute(uow, dispute_ref)
        new_status = dispute.status if status is None else _status(status)
        if DisputeStatus(new_status) in CLOSED and new_status != dispute.status:
            actor.require("settle_dispute")
        if DisputeStatus(dispute.status) in CLOSED:
            raise UserFacingError(
                f"Dispute {str(dispute.id)[:8]} is {dispute.status}: open a new dispute instead."
            )
        new_resolution = dispute.resolution or ""
        if resolution is not None:
            new_resolution = _optional(resolution, RESOLUTION_MAX, "resolution") or ""
        problem = move_problem(dispute.status, new_status, new_resolution)
        if problem:
            raise UserFacingError(problem)
        new_owner = dispute.owner if owner is None else _optional(owner, OWNER_MAX, "owner")
        if (new_status, new_resolution or None, new_owner) == (
            dispute.status, dispute.resolution, dispute.owner,
        ):  # fmt: skip
            raise UserFacingError("Nothing to change: the dispute already reads so.")
        account = _account(uow, dispute.consumer_id)
        before = dispute_snapshot(dispute, account)
        now = uow.now()
        dispute.status, dispute.resolution, dispute.owner = (
            new_status, new_resolution or None, new_owner,
        )  # fmt: skip
        dispute.updated_at, dispute.updated_by = now, actor.username
        dispute.resolved_at = now if DisputeStatus(new_status) in CLOSED else None
        dispute.version += 1
        after = dispute_snapshot(dispute, account)
        check_dispute(after, now=now)
        _record(
            uow, actor, dispute, f"dispute.{_verb(before['status'], new_status)}", before, after
        )
        local = _local_notices(uow, dispute.consumer_id, account)
        uow.commit()
        pass_disputes(*local, now)  # a standalone counter's own recovery cases
        return _view(dispute, account)


def disputes_of(uow: UnitOfWork, account_number: str) -> list[DisputeView]:
    """The consumer's disputes, the newest first."""
    with uow:
        consumer = _consumer(uow, account_number)
        rows = uow.disputes.of_consumer(consumer.id)
        return [_view(d, consumer.account_number) for d in rows]


def disputes_on_payment(uow: UnitOfWork, payment_id: uuid.UUID) -> list[DisputeView]:
    """What Payment Details shows: the payment's disputes, the newest first."""
    with uow:
        rows = uow.disputes.on_payment(payment_id)
        return [_view(d, _account(uow, d.consumer_id)) for d in rows]


@dataclass(frozen=True)
class DisputeSubjects:
    """What the New dispute dialog offers: the consumer's bills and payments, newest first."""

    bills: tuple[str, ...]  # invoice numbers
    payments: tuple[str, ...]  # receipt numbers


def dispute_subjects(uow: UnitOfWork, account_number: str, limit: int = 50) -> DisputeSubjects:
    with uow:
        consumer = _consumer(uow, account_number)
        bills = uow.disputes.recent_bills(consumer.id, limit)
        payments = uow.disputes.recent_receipts(consumer.id, limit)
        return DisputeSubjects(tuple(bills), tuple(payments))


def dispute_snapshot(dispute: Dispute, account_number: str) -> dict[str, Any]:
    """The record as it is pushed, published and checked on both sides (app.domain.disputes)."""
    return {
        "id": str(dispute.id),
        "consumer_id": str(dispute.consumer_id),
        "account_number": account_number,
        "subject": dispute.subject,
        "payment_id": str(dispute.payment_id) if dispute.payment_id else None,
        "bill_id": str(dispute.bill_id) if dispute.bill_id else None,
        "subject_number": dispute.subject_number,
        "reason": dispute.reason,
        "status": dispute.status,
        "resolution": dispute.resolution,
        "owner": dispute.owner,
        "opened_at": dispute.opened_at.isoformat(),
        "opened_by": dispute.opened_by,
        "updated_at": dispute.updated_at.isoformat(),
        "updated_by": dispute.updated_by,
        "resolved_at": dispute.resolved_at.isoformat() if dispute.resolved_at else None,
        "version": dispute.version,
    }


# -- helpers ---------------------------------------------------------------------------------
def _record(
    uow: UnitOfWork,
    actor: Actor,
    dispute: Dispute,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    uow.audit(
        user_id=actor.user_id, action=action, entity="dispute", entity_id=dispute.id,
        before=before, after=after,
    )  # fmt: skip
    uow.enqueue("dispute", dispute.id, after)


def _local_notices(
    uow: UnitOfWork, consumer_id: uuid.UUID, account_number: str
) -> tuple[str | None, list[DisputeNotice]]:
    """A standalone counter's recovery database (URL) and the consumer's disputes as it takes them
    (read before the commit: the recovery write then holds no lock on the counter's file)."""
    local = local_recovery(uow)
    if local is None:
        return None, []
    rows = uow.disputes.of_consumer(consumer_id)
    return local, [dispute_notice(d, account_number) for d in rows]


def _verb(old: str, new: str) -> str:
    if old == new:
        return "updated"
    return {"under_review": "under_review", "resolved": "resolved", "rejected": "rejected"}[new]


def _subject(
    uow: UnitOfWork, consumer: Consumer, subject: str, number: str
) -> tuple[uuid.UUID | None, uuid.UUID | None, str]:
    ref = (number or "").strip()
    if subject == DisputeSubject.PAYMENT:
        payment = uow.payments.by_number(ref)
        if payment.consumer_id != consumer.id:
            raise UserFacingError(f"Payment {ref} is not {consumer.account_number}'s.")
        return payment.id, None, payment.payment_number
    if subject == DisputeSubject.BILL:
        if not ref:
            raise UserFacingError("Enter the bill's invoice number.")
        bill = uow.disputes.bill(ref)
        if bill is None:
            raise NotFound(f"No bill with invoice number '{ref}'.")
        if bill.consumer_id != consumer.id:
            raise UserFacingError(f"Bill {ref} is not {consumer.account_number}'s.")
        return None, bill.id, bill.invoice_number
    raise UserFacingError("A dispute is on a payment or on a bill.")


def _consumer(uow: UnitOfWork, account_number: str) -> Consumer:
    consumer = uow.consumers.by_account_number((account_number or "").strip())
    if consumer is None:
        raise NotFound(f"No consumer with account number '{account_number}'.")
    return consumer


def _account(uow: UnitOfWork, consumer_id: uuid.UUID) -> str:
    consumer = uow.consumers.get(consumer_id)
    return consumer.account_number if consumer else ""


def _dispute(uow: UnitOfWork, ref: str) -> Dispute:
    """By its id or the first characters of it (what screens and the CLI show)."""
    text = (ref or "").strip().lower().replace("-", "")
    if len(text) < 4 or any(c not in "0123456789abcdef" for c in text):
        raise UserFacingError("Give the dispute's id (at least its first 4 characters).")
    found = uow.disputes.by_id_prefix(text, limit=2)
    if not found:
        raise NotFound(f"No dispute {ref}.")
    if len(found) > 1:
        raise UserFacingError(f"More than one dispute starts with {ref}: give more of its id.")
    return found[0]


def _status(text: str) -> str:
    value = text.strip().lower().replace(" ", "_").replace("-", "_")
    if value not in {s.value for s in DisputeStatus}:
        words = ", ".join(w.lower() for w in STATUS_WORDS.values())
        raise UserFacingError(f"A dispute's status is one of {words}.")
    return value


def _text(value: str, limit: int, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UserFacingError(missing)
    if len(text) > limit:
        raise UserFacingError(f"At most {limit} characters ({len(text)} given).")
    return text


def _optional(value: str | None, limit: int, what: str) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise UserFacingError(f"The {what} is at most {limit} characters ({len(text)} given).")
    return text or None


def _view(d: Dispute, account_number: str) -> DisputeView:
    return DisputeView(
        id=d.id, account_number=account_number, subject=d.subject,
        subject_number=d.subject_number, reason=d.reason, status=d.status,
        resolution=d.resolution or "", owner=d.owner or "", opened_at=d.opened_at,
        opened_by=d.opened_by, updated_at=d.updated_at, updated_by=d.updated_by,
        resolved_at=d.resolved_at,
    )  # fmt: skip
