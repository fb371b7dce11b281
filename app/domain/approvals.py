"""A supervisor's signed approval of a change to a record another terminal owns.

Threat model. A counter's token lets it push records; on its own it must not let that counter
(or whoever stole the token) void, verify, decide or apply another terminal's payment or credit
note. So such a change carries an approval: HMAC-SHA256 over a canonical message naming the
entity, the subject's id, the action, the approver and the time, keyed with the raw argon2
digest inside the approver's PIN hash. The counter where the supervisor just signed in holds that
hash, and so does the server (users are server-owned reference data), so the server can verify
the signature and check the approver is an active supervisor there.
What it stops: a token alone, replaying a signature onto another record or action (they are in
the message), a cashier or a disabled user as approver, a forged or altered approver id.
What it does not stop: someone who has read a counter's database (it holds the PIN hashes of its
site's users) can sign as those users; a replay of the same approval repeats the same change,
which the server applies idempotently. The PIN itself is never sent or derivable from the block.
"""

import base64
import binascii
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.domain.record_rules import CLOCK_TOLERANCE, RecordInvalid

VERSION = "tilldesk-approval-v1"
ACTIONS = ("void", "verify", "decide", "apply")


def approval_key(secret_hash: str) -> bytes:
    """The raw digest of an argon2 encoded hash ($argon2id$v=19$m=..,t=..,p=..$salt$digest)."""
    parts = secret_hash.split("$")
    if len(parts) != 6 or not parts[1].startswith("argon2"):
        raise RecordInvalid("the approver has no PIN hash an approval can be checked against")
    digest = parts[5]
    try:
        return base64.b64decode(digest + "=" * (-len(digest) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise RecordInvalid("the approver's PIN hash is malformed") from None


def approval_message(
    *, entity: str, subject_id: uuid.UUID, action: str, approved_by: uuid.UUID, approved_at: str
) -> bytes:
    fields = (VERSION, entity, str(subject_id), action, str(approved_by), approved_at)
    return "\n".join(fields).encode()


def sign_approval(
    secret_hash: str,
    *,
    entity: str,
    subject_id: uuid.UUID,
    action: str,
    approved_by: uuid.UUID,
    approved_at: datetime,
) -> dict[str, str]:
    """The approval block a counter adds to the pushed change."""
    at = approved_at.isoformat()
    message = approval_message(
        entity=entity, subject_id=subject_id, action=action, approved_by=approved_by, approved_at=at
    )
    signature = hmac.new(approval_key(secret_hash), message, hashlib.sha256).hexdigest()
    return {
        "action": action,
        "approved_by": str(approved_by),
        "approved_at": at,
        "signature": signature,
    }


def read_approval(block: object) -> tuple[uuid.UUID, datetime, str]:
    """(approver id, approval time, signature) from a block, or RecordInvalid."""
    if not isinstance(block, Mapping):
        raise RecordInvalid("the approval is not an object")
    try:
        approver = uuid.UUID(str(block["approved_by"]))
        at = datetime.fromisoformat(str(block["approved_at"]))
        signature = str(block["signature"])
    except (KeyError, ValueError):
        raise RecordInvalid("the approval needs approved_by, approved_at and signature") from None
    if at.tzinfo is None:
        raise RecordInvalid("the approval time has no time zone")
    return approver, at, signature


def verify_approval(
    block: Mapping[str, Any],
    secret_hash: str,
    *,
    entity: str,
    subject_id: uuid.UUID,
    action: str,
    now: datetime,
) -> None:
    """Raise RecordInvalid unless the block is this approver's signature of this change."""
    approver, at, signature = read_approval(block)
    if block.get("action") != action:
        raise RecordInvalid(f"the approval is for {block.get('action')!r}, not {action}")
    if at > now + CLOCK_TOLERANCE:
        raise RecordInvalid("the approval is dated in the future")
    message = approval_message(
        entity=entity,
        subject_id=subject_id,
        action=action,
        approved_by=approver,
        approved_at=str(block["approved_at"]),
    )
    expected = hmac.new(approval_key(secret_hash), message, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise RecordInvalid("the approval's signature does not match its approver and change")
