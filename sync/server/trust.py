"""What a terminal may write: numbers from its own series, and changes to what another terminal
owns only with a supervisor's signed approval (see app.domain.approvals for the threat model)."""

import functools
import uuid
from typing import Any

from sqlalchemy import select

from app.domain.approvals import read_approval, verify_approval
from app.domain.number_series import check_in_series
from app.domain.numbering import NumberFormat
from app.domain.record_rules import RecordInvalid
from app.domain.roles import PERMISSIONS, Role
from sync.server.events import record_event
from sync.server.incoming import Incoming
from sync.server.number_blocks import require_in_blocks
from sync.server.records import Rejected
from sync.server.tables import users

# The action words of an approval, and the permission the approver must hold for each.
APPROVAL_PERMISSIONS = {
    "void": "void_payment",
    "verify": "verify_payment",
    "decide": "approve_credit_note",
    "apply": "approve_credit_note",
}


def require_own_series(incoming: Incoming, numbers: dict[str, str]) -> None:
    """`numbers` maps a series (payment, transaction, receipt, credit_note) to a number.

    A format without {TERM} carries nothing of the terminal: its number must lie in a block
    the server leased to the pushing terminal (sync.server.number_blocks)."""
    settings = incoming.settings()
    for series, number in numbers.items():
        pattern = settings.number_formats[series]
        if _uses_blocks(pattern):
            require_in_blocks(incoming.connection, incoming.terminal, series, number, pattern)
            continue
        what = series.replace("_", " ") + " number"
        try:
            check_in_series(what, number, pattern, incoming.terminal.code)
        except RecordInvalid as invalid:
            raise Rejected(invalid.reason) from None


@functools.lru_cache(maxsize=64)  # parsing a format costs more than checking a number with it
def _uses_blocks(pattern: str) -> bool:
    return NumberFormat(pattern).uses_blocks


def require_approval(
    incoming: Incoming,
    *,
    entity: str,
    subject_id: uuid.UUID,
    subject_words: str,
    owner_terminal_id: uuid.UUID | None,
    action: str,
) -> dict[str, Any] | None:
    """None when the pushing terminal owns the subject; otherwise the verified approval, as the
    server records it, or Rejected saying what is missing."""
    if owner_terminal_id == incoming.terminal.id:
        return None
    block = incoming.payload.get("approval")
    if block is None:
        raise Rejected(
            f"{subject_words} belongs to {_owner(owner_terminal_id)}: terminal "
            f"{incoming.terminal.code} may {action} it only with a supervisor's signed approval"
        )
    try:
        approver_id, _, _ = read_approval(block)
        approver = _approver(incoming, approver_id, action)
        verify_approval(
            block,
            str(approver.get("secret_hash") or ""),
            entity=entity,
            subject_id=subject_id,
            action=action,
            now=incoming.now,
        )
    except RecordInvalid as invalid:
        raise Rejected(f"approval refused: {invalid.reason}") from None
    recorded = {
        **block,
        "approver_username": approver["username"],
        "terminal_code": incoming.terminal.code,
        "verified_at": incoming.now.isoformat(),
    }
    record_event(
        incoming.connection,
        actor=str(approver["username"]),
        action=f"{entity}.{action}_approved",
        at=incoming.now,
        subject_id=str(subject_id),
        terminal_code=incoming.terminal.code,
        owner_terminal_id=str(owner_terminal_id) if owner_terminal_id else None,
        approval=dict(block),
    )
    return recorded


def _owner(terminal_id: uuid.UUID | None) -> str:
    return "no terminal (an online payment)" if terminal_id is None else "another terminal"


def _approver(incoming: Incoming, approver_id: uuid.UUID, action: str) -> dict[str, Any]:
    data = incoming.connection.scalar(select(users.c.data).where(users.c.id == approver_id))
    if data is None:
        raise RecordInvalid(f"the approver {approver_id} is not a user on the server")
    if not data.get("active", False):
        raise RecordInvalid(f"the approver {data.get('username')} is disabled")
    try:
        role = Role(str(data.get("role")))
    except ValueError:
        raise RecordInvalid(f"the approver {data.get('username')} has no known role") from None
    if action not in APPROVAL_PERMISSIONS or role not in PERMISSIONS[APPROVAL_PERMISSIONS[action]]:
        raise RecordInvalid(
            f"the approver {data.get('username')} is a {role.label.lower()}, not a supervisor "
            f"who may {action} it"
        )
    return dict(data)
