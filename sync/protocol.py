"""The wire format between a counter and the central server (version 1).

Both sides import these models, so a field is named and validated in one place. JSON over HTTPS;
every endpoint except /v1/health, /v1/terminals/register and the gateway webhooks needs
`Authorization: Bearer <terminal token>`. Paths:

* GET  /v1/health                 -> Health
* POST /v1/terminals/register     (HTTP Basic: a server admin) RegisterRequest -> Registration
* POST /v1/terminals/confirm      (Bearer: the new token) -> TerminalConfirmation. A registered
                                  terminal is pending, and push/pull answer 403, until the
                                  counter has stored its token and confirmed with it (within
                                  an hour; an unconfirmed registration is replaced by the next)
* POST /v1/push                   PushRequest -> PushResponse
* GET  /v1/pull?cursor=N&limit=M  -> PullResponse (changes with seq > cursor, oldest first)
* POST /v1/number-blocks          NumberBlockRequest -> NumberBlock (numbers for a format
                                  without {TERM}; idempotent by request_id)
* POST /v1/webhooks/stripe, /v1/webhooks/nmi (signature-checked, see sync.gateways)

Push is idempotent by record id: sending a batch twice changes nothing the second time. Pull is
resumable by cursor: a counter stores `next_cursor` in the same transaction as the changes it
applied. The server's `epoch` changes when it is restored from a backup; a counter that sees a
new epoch pulls from cursor 0 again and re-sends what the server no longer has.
"""

import json
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
MAX_PUSH_BATCH = 500
MAX_PULL_PAGE = 10_000
# A new counter's first load asks for pages this large (a server older than them refuses, and
# is asked for MAX_PULL_PAGE instead): each page is one SQLite transaction, and every commit
# rewrites the index pages its random ids touched - 15 GB written for a million consumers in
# pages of 10,000, under 7 GB in pages of 50,000.
MAX_BULK_PULL_PAGE = 50_000
# One pushed record's payload as compact JSON; the server rejects a larger one with the reason.
MAX_RECORD_PAYLOAD_BYTES = 64 * 1024
# What a counter puts in one push request, well under the server's body limit for /v1/push.
MAX_PUSH_BODY_BYTES = 6 * 1024 * 1024


def payload_size(payload: object) -> int:
    """A record's payload in bytes as the server measures it (compact JSON, UTF-8)."""
    return len(json.dumps(payload, separators=(",", ":"), default=str).encode("utf-8"))


# What a counter pushes (its outbox `entity` values) and what the server sends back by pull.
PUSHED_ENTITIES = (
    "payment",
    "payment_void",
    "payment_verification",
    "credit_note",
    "credit_note_application",
    "credit_note_decision",
    "shift",
    "settings_change",
    "audit",
    "flag_resolution",  # a supervisor resolved a server flag on a counter
    "quarantine_report",  # a feed change the counter could not apply (or applied at last)
    "dispute",  # a consumer's dispute on a payment or bill, opened or moved on at a counter
    "consumer_circumstances",  # special circumstances and payment preferences
    "payment_plan",  # made or modified at a counter; the server numbers it (plans_ingest.py)
)
PULLED_ENTITIES = (
    "consumer",
    "bill",
    "service_charge",
    "payment_plan",
    "installment",
    "setting",
    "user",
    "payment",  # online (gateway) payments and other counters' payments
    "credit_note",
    "flag",  # a record the server flagged for a supervisor (e.g. a bill paid twice)
    "dispute",
    "consumer_circumstances",
)


# The series a counter may lease blocks of numbers for (formats without {TERM}).
LeasedSeries = Literal["payment", "transaction", "receipt", "credit_note"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Health(_Model):
    status: Literal["ok"] = "ok"
    protocol: int = PROTOCOL_VERSION
    epoch: str
    server_time: datetime


class RegisterRequest(_Model):
    code: str = Field(pattern=r"^[A-Z0-9]{2,8}$", description="Terminal code, e.g. T01")
    terminal_id: uuid.UUID = Field(description="The counter's own terminal id")
    name: str = Field(default="", max_length=120)
    site: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,40}$",
        description="The site (service center) it stands in: new terminals default to main; "
        "only users assigned to it get their PIN hash on this counter",
    )


class Registration(_Model):
    terminal_id: uuid.UUID
    code: str
    token: str = Field(description="Shown once; the counter keeps it in the OS keyring")
    epoch: str
    server_time: datetime


class TerminalConfirmation(_Model):
    terminal_id: uuid.UUID
    code: str
    activated_at: datetime
    server_time: datetime


class PushRecord(_Model):
    id: uuid.UUID = Field(description="The outbox record id: the idempotency key")
    entity: str
    entity_id: uuid.UUID
    payload: dict[str, Any]
    created_at: datetime = Field(description="Counter clock when the record was written")


class PushRequest(_Model):
    epoch: str | None = Field(description="The server epoch the counter last saw")
    client_time: datetime
    records: list[PushRecord] = Field(max_length=MAX_PUSH_BATCH)


class Outcome(StrEnum):
    STORED = "stored"
    DUPLICATE_SAME = "duplicate_same"  # already stored, identical: nothing to do
    DUPLICATE_DIFFERENT = "duplicate_different"  # same id, other content: flagged on the server
    REJECTED = "rejected"  # parked on the counter with the reason; never blocks the rest


class PushResult(_Model):
    id: uuid.UUID
    outcome: Outcome
    reason: str | None = None
    flags: list[str] = Field(default_factory=list, description="e.g. 'overpayment'")


class PushResponse(_Model):
    epoch: str
    server_time: datetime
    results: list[PushResult]


class Change(_Model):
    seq: int = Field(description="Server change sequence; strictly increasing")
    entity: str
    key: str = Field(description="The record's id (or a setting's key)")
    op: Literal["upsert", "delete"]
    data: dict[str, Any] | None = Field(default=None, description="None for a delete")


class PullResponse(_Model):
    epoch: str
    server_time: datetime
    changes: list[Change]
    next_cursor: int
    has_more: bool
    # Only when asked (?totals=true; an older counter never is, so it never meets the field):
    # per entity, the changes after the cursor a counter will receive, for real progress.
    totals: dict[str, int] | None = None


# POST /v1/number-blocks (Bearer): a block of sequence numbers for a series without {TERM}.
# Idempotent by request_id: asking again (an answer lost on the way) returns the same block.
class NumberBlockRequest(_Model):
    request_id: uuid.UUID
    series: LeasedSeries
    period: str = Field(pattern=r"^(\d{4})?$", description='The year, or "" for no year')


class SeriesStartRequest(_Model):
    """Where a series without {TERM} starts (R-5001 after the old system's R-5000): once,
    before any of its numbers is leased, or later only above every number leased."""

    series: LeasedSeries
    period: str = Field(default="", pattern=r"^(\d{4})?$", description='The year, or ""')
    first: int = Field(ge=1, le=10**15)
    set_by: str = Field(min_length=1, max_length=64)


class SeriesStart(_Model):
    series: str
    period: str
    first: int  # the next lease starts here (or above, after numbers already leased)


class NumberBlock(_Model):
    request_id: uuid.UUID
    series: str
    period: str
    first: int
    last: int
