"""The signed approval a counter adds when a supervisor changes what another terminal owns."""

import uuid

from app.db.tables import CreditNote
from app.domain.approvals import sign_approval
from app.domain.roles import PERMISSIONS
from app.services.actors import Actor
from app.services.unit_of_work import UnitOfWork


def approval_block(
    uow: UnitOfWork,
    actor: Actor,
    *,
    entity: str,
    subject_id: uuid.UUID,
    owner_terminal_id: uuid.UUID | None,
    action: str,
) -> dict[str, dict[str, str]]:
    """{"approval": block} to merge into the pushed change, or {} when this terminal owns the
    subject. The actor has just signed in here; the server checks the signature against its
    own copy of the actor's PIN hash (see app.domain.approvals)."""
    if owner_terminal_id == uow.terminal().id:
        return {}
    user = uow.users.get(actor.user_id)
    assert user is not None  # actor_for found it in this unit of work
    block = sign_approval(
        user.secret_hash,
        entity=entity,
        subject_id=subject_id,
        action=action,
        approved_by=actor.user_id,
        approved_at=uow.now(),
    )
    return {"approval": block}


def note_application_approval(
    uow: UnitOfWork, actor: Actor, note: CreditNote
) -> dict[str, dict[str, str]]:
    """A supervisor applying another counter's credit note signs it (recorded on the server);
    a cashier's application carries none and is held there to what is left of the note."""
    if actor.role not in PERMISSIONS["approve_credit_note"]:
        return {}
    return approval_block(
        uow,
        actor,
        entity="credit_note",
        subject_id=note.id,
        owner_terminal_id=note.terminal_id,
        action="apply",
    )
