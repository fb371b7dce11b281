"""Resolving a server flag from the counter: a supervisor records how a bill paid at two
offline counters (or another flagged record) was settled - a credit note, a refund, or no
action with a reason. The flag is closed here at once and the resolution goes to the server
through the outbox, which closes it there and publishes it to the other counters."""

import json
import uuid
from dataclasses import dataclass, field

from app.db.tables import SyncFlag
from app.domain.changes import Area, Changes, areas
from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.flag_resolutions import Resolution, resolution_problem
from app.services.actors import actor_for
from app.services.unit_of_work import UnitOfWork

PERMISSION = "manage_sync"
_DEAD_CREDIT_NOTES = (CreditNoteStatus.CANCELLED.value, CreditNoteStatus.REJECTED.value)


@dataclass(frozen=True)
class ResolvedFlag:
    flag_key: str
    resolution: str
    credit_note_number: str | None
    changes: Changes = field(default=areas(Area.SYNC))


def resolve_flag(
    uow: UnitOfWork,
    username: str | None,
    flag_key: str,
    resolution: str,
    note: str,
    credit_note_number: str | None = None,
) -> ResolvedFlag:
    with uow:
        actor = actor_for(uow, username, PERMISSION)
        try:
            chosen = Resolution.parse(resolution)
        except ValueError as error:
            raise UserFacingError(str(error)) from None
        problem = resolution_problem(chosen, note, credit_note_number)
        if problem is not None:
            raise UserFacingError(problem[1])
        flag = uow.sync_issues.flag(flag_key)
        if flag is None:
            raise UserFacingError("This flag is no longer on this counter: refresh the list.")
        if flag.resolved_at is not None:
            raise UserFacingError(f"This flag was already resolved ({flag.resolution}).")
        flag_id = _flag_uuid(flag.key)
        number = None
        if chosen is Resolution.CREDIT_NOTE:
            number = _credit_note_number(uow, flag, str(credit_note_number).strip())
        now = uow.now()
        payload = {
            "flag_id": flag.key,
            "resolution": chosen.value,
            "note": note.strip(),
            "credit_note_number": number,
            "resolved_by": actor.username,
            "resolved_at": now.isoformat(),
        }
        flag.resolved_at = now
        flag.resolution = chosen.value
        flag.resolution_json = json.dumps(payload, sort_keys=True)
        uow.sync_issues.save()
        uow.audit(
            user_id=actor.user_id,
            action="sync.flag_resolved",
            entity="sync_flag",
            entity_id=flag.key,
            before={"kind": flag.kind, "resolved_at": None},
            after=payload,
        )
        uow.enqueue("flag_resolution", flag_id, payload)
        uow.commit()
        return ResolvedFlag(flag.key, chosen.value, number)


def _credit_note_number(uow: UnitOfWork, flag: SyncFlag, number: str) -> str:
    """The credit note must exist here, be alive, and be for one of the flagged payments."""
    note = uow.credit_notes.find(number)
    if note is None:
        raise UserFacingError(
            f"No credit note {number} on this counter: create it from the payment first."
        )
    if note.status in _DEAD_CREDIT_NOTES:
        raise UserFacingError(f"Credit note {note.number} is {note.status.lower()}.")
    flagged = _flagged_payment_ids(flag)
    if flagged and str(note.payment_id) not in flagged:
        raise UserFacingError(
            f"Credit note {note.number} is for another payment, not one of the flagged ones."
        )
    return note.number


def _flagged_payment_ids(flag: SyncFlag) -> set[str]:
    data = json.loads(flag.data_json or "{}")
    payments = data.get("payments") if isinstance(data, dict) else None
    if not isinstance(payments, list):
        return set()
    return {str(p.get("payment_id")) for p in payments if isinstance(p, dict)}


def _flag_uuid(key: str) -> uuid.UUID:
    """Server flags are keyed by their server id (a UUID); anything else cannot be pushed."""
    try:
        return uuid.UUID(key)
    except ValueError:
        raise UserFacingError(
            "This flag did not come from the server and cannot be resolved."
        ) from None
