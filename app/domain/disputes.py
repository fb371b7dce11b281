"""Consumer disputes (on a payment or a bill) and the consumer's special circumstances and
payment preferences: the values, the allowed status moves, and the record rules the counter
applies before it writes and the server applies to what a counter pushed (one implementation).
"""

import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.domain.record_rules import _Record

REASON_MAX = 500
RESOLUTION_MAX = 1000
NOTE_MAX = 1000
OWNER_MAX = 64
MAX_VERSION = 1_000_000


class DisputeStatus(StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    RESOLVED = "resolved"  # settled for the consumer (an adjustment, a credit note...)
    REJECTED = "rejected"  # the charge stands


class DisputeSubject(StrEnum):
    PAYMENT = "payment"
    BILL = "bill"


ACTIVE = frozenset({DisputeStatus.OPEN, DisputeStatus.UNDER_REVIEW})
CLOSED = frozenset({DisputeStatus.RESOLVED, DisputeStatus.REJECTED})
STATUS_WORDS = {
    DisputeStatus.OPEN: "Open",
    DisputeStatus.UNDER_REVIEW: "Under review",
    DisputeStatus.RESOLVED: "Resolved",
    DisputeStatus.REJECTED: "Rejected",
}
# From each status, where a dispute may go. A closed dispute stays closed: a new complaint is
# a new dispute, so the record of the first one is never rewritten.
MOVES = {
    DisputeStatus.OPEN: {
        DisputeStatus.UNDER_REVIEW,
        DisputeStatus.RESOLVED,
        DisputeStatus.REJECTED,
    },
    DisputeStatus.UNDER_REVIEW: {DisputeStatus.RESOLVED, DisputeStatus.REJECTED},
    DisputeStatus.RESOLVED: set(),
    DisputeStatus.REJECTED: set(),
}


class Circumstance(StrEnum):
    MEDICAL = "medical"
    HARDSHIP = "hardship"
    BEREAVEMENT = "bereavement"
    DISABILITY = "disability"
    UNEMPLOYMENT = "unemployment"
    ELDERLY = "elderly"
    OTHER = "other"


CIRCUMSTANCE_WORDS = {
    Circumstance.MEDICAL: "Medical",
    Circumstance.HARDSHIP: "Financial hardship",
    Circumstance.BEREAVEMENT: "Bereavement",
    Circumstance.DISABILITY: "Disability",
    Circumstance.UNEMPLOYMENT: "Unemployment",
    Circumstance.ELDERLY: "Elderly",
    Circumstance.OTHER: "Other",
}
# A consumer with one of these gets no automatic charge retry until a recovery executive has
# reviewed the case, and only gentle reminders.
NEEDS_REVIEW = frozenset({Circumstance.MEDICAL, Circumstance.HARDSHIP, Circumstance.BEREAVEMENT})
CHANNELS = ("", "email", "sms", "whatsapp")  # "": no preference
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")


def allowed_move(current: str, new: str) -> bool:
    return current == new or DisputeStatus(new) in MOVES[DisputeStatus(current)]


def move_problem(current: str, new: str, resolution: str) -> str | None:
    """Why a dispute may not go from `current` to `new` (None: it may)."""
    if not allowed_move(current, new):
        return (
            f"A dispute that is {STATUS_WORDS[DisputeStatus(current)].lower()} cannot become "
            f"{STATUS_WORDS[DisputeStatus(new)].lower()}: open a new dispute instead."
        )
    if DisputeStatus(new) in CLOSED and not resolution.strip():
        return "Say how the dispute was settled: a resolved or rejected dispute needs a resolution."
    return None


def check_dispute(data: Mapping[str, Any], *, now: datetime) -> None:
    """A dispute's snapshot (as the counter enqueues it and the server publishes it)."""
    record = _Record(data, "dispute")
    record.id("id")
    record.id("consumer_id")
    subject = record.choice("subject", DisputeSubject)
    payment, bill = record.id("payment_id", optional=True), record.id("bill_id", optional=True)
    if (subject == DisputeSubject.PAYMENT) != (payment is not None) or (
        subject == DisputeSubject.BILL
    ) != (bill is not None):
        raise record.fail(f"a dispute on a {subject} names that {subject} and nothing else")
    record.number("subject_number")
    record.text("reason", REASON_MAX)
    status = record.choice("status", DisputeStatus)
    resolution = record.text("resolution", RESOLUTION_MAX, optional=True) or ""
    if DisputeStatus(status) in CLOSED and not resolution.strip():
        raise record.fail(f"a {status} dispute needs a resolution")
    record.text("owner", OWNER_MAX, optional=True)
    record.text("opened_by", OWNER_MAX)
    record.text("updated_by", OWNER_MAX)
    opened = record.moment("opened_at", now)
    updated = record.moment("updated_at", now)
    assert opened is not None and updated is not None
    if updated < opened:
        raise record.fail("updated_at is before opened_at")
    resolved = record.moment("resolved_at", now, optional=True)
    if (resolved is not None) != (DisputeStatus(status) in CLOSED):
        raise record.fail("resolved_at is set exactly when the dispute is resolved or rejected")
    _version(record)


def check_circumstances(data: Mapping[str, Any], *, now: datetime) -> None:
    """A consumer's special circumstances and payment preferences."""
    record = _Record(data, "consumer circumstances")
    record.id("consumer_id")
    kinds = data.get("circumstances")
    if not isinstance(kinds, list) or len(kinds) != len(set(map(str, kinds))):
        raise record.fail("circumstances must be a list without repeats")
    words = {c.value for c in Circumstance}
    for kind in kinds:
        if kind not in words:
            raise record.fail(f"circumstance {kind!r} is not one of {', '.join(sorted(words))}")
    note = data.get("note", "")
    if not isinstance(note, str) or len(note) > NOTE_MAX or "\x00" in note:
        raise record.fail(f"note must be text of at most {NOTE_MAX} characters")
    channel = data.get("preferred_channel", "")
    if channel not in CHANNELS:
        raise record.fail(f"preferred_channel {channel!r} is not one of email, sms, whatsapp")
    problem = time_window_problem(
        str(data.get("preferred_from", "")), str(data.get("preferred_until", ""))
    )
    if problem:
        raise record.fail(problem)
    language = data.get("language", "")
    if not isinstance(language, str) or (language and not _LANGUAGE.fullmatch(language)):
        raise record.fail(f"language {language!r} is not a language code such as en or es-MX")
    record.text("set_by", OWNER_MAX)
    record.moment("set_at", now)
    _version(record)


def time_window_problem(start: str, end: str) -> str | None:
    """The preferred contact time: both ends as HH:MM (local), or neither."""
    if not start and not end:
        return None
    if not (_TIME.fullmatch(start) and _TIME.fullmatch(end)):
        return "Give the preferred time as two times like 09:00 and 12:00, or leave both empty."
    if start == end:
        return "The preferred time must not start and end at the same minute."
    return None


def _version(record: _Record) -> None:
    version = record.data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < MAX_VERSION:
        raise record.fail(f"version must be a whole number from 1, not {version!r}")
