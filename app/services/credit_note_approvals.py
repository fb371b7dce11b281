"""Credit notes above the approval amount: what waits, and a billing manager's decision."""

from dataclasses import dataclass, field
from typing import Any

from app.domain import credit_notes as rules
from app.domain.changes import Area, Changes, areas
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.events import CreditNoteActivated
from app.domain.ids import new_id
from app.services.actors import Actor, actor_for
from app.services.approvals import approval_block
from app.services.credit_notes_list import (
    MAX_LIMIT,
    CreditNoteQuery,
    CreditNoteRow,
    find_credit_notes,
)
from app.services.unit_of_work import UnitOfWork

CHANGES = areas(Area.CREDIT_NOTES, Area.CONSUMERS, Area.APPROVALS)


@dataclass(frozen=True)
class CreditNoteDecided:
    number: str
    status: str  # Active once approved, Rejected otherwise
    decided_by: str
    reason: str | None
    changes: Changes = field(default=CHANGES)


def pending_approvals(uow: UnitOfWork, limit: int = MAX_LIMIT) -> list[CreditNoteRow]:
    """Credit notes waiting for a billing manager, oldest first (first come, first decided)."""
    query = CreditNoteQuery(status=CreditNoteStatus.PENDING_APPROVAL.value)
    return find_credit_notes(uow, query, limit=limit, oldest_first=True)


def approve_credit_note(
    uow: UnitOfWork, number: str, username: str | None = None
) -> CreditNoteDecided:
    """The note becomes Active credit the consumer can use."""
    with uow:
        actor = actor_for(uow, username, "approve_credit_note")
        decided = _decide(uow, actor, number, CreditNoteStatus.ACTIVE, reason=None)
        uow.collect(CreditNoteActivated(decided.number, actor.user_id))
        uow.commit()
    return decided


def reject_credit_note(
    uow: UnitOfWork, number: str, reason: str, username: str | None = None
) -> CreditNoteDecided:
    """The note is refused: never usable, and its amount is creditable on the payment again."""
    with uow:
        actor = actor_for(uow, username, "approve_credit_note")
        why = rules.check_rejection_reason(reason)
        decided = _decide(uow, actor, number, CreditNoteStatus.REJECTED, reason=why)
        uow.commit()
    return decided


def _decide(
    uow: UnitOfWork, actor: Actor, number: str, outcome: CreditNoteStatus, reason: str | None
) -> CreditNoteDecided:
    note = uow.credit_notes.by_number(number)
    if note.status != CreditNoteStatus.PENDING_APPROVAL.value:
        raise UserFacingError(
            f"Credit note {note.number} is {note.status.lower()}: "
            "only a note waiting for approval can be approved or rejected."
        )
    if note.created_by == actor.user_id:
        # Only a cashier's note waits, and a cashier may not approve; this guards a role change.
        raise UserFacingError("A credit note must be approved by someone other than its maker.")
    before = {"status": note.status}
    note.status = outcome.value
    uow.credit_notes.save(note)
    after: dict[str, Any] = {"status": note.status, "decided_by": str(actor.user_id)}
    if reason:
        after["reason"] = reason
    action = "approved" if outcome is CreditNoteStatus.ACTIVE else "rejected"
    uow.audit(
        user_id=actor.user_id,
        action=f"credit_note.{action}",
        entity="credit_note",
        entity_id=note.id,
        before=before,
        after=after,
    )
    decision_id = new_id()
    uow.enqueue(
        "credit_note_decision",
        decision_id,
        {
            "id": str(decision_id),
            "credit_note_id": str(note.id),
            "number": note.number,
            "decision": action,
            "status": note.status,
            "reason": reason,
            "decided_by": str(actor.user_id),
            "decided_at": uow.now().isoformat(),
            **approval_block(
                uow,
                actor,
                entity="credit_note",
                subject_id=note.id,
                owner_terminal_id=note.terminal_id,
                action="decide",
            ),
        },
    )
    return CreditNoteDecided(note.number, note.status, actor.full_name, reason)
