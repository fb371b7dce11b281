"""Push: the outbox in batches, oldest first; each batch's outcomes stored in one transaction."""

from dataclasses import dataclass
from datetime import datetime

from app.db.database import Database
from sync.client import courtesy, state
from sync.client.errors import ServerUnavailable
from sync.client.http import ServerClient
from sync.protocol import (
    MAX_PUSH_BATCH,
    MAX_PUSH_BODY_BYTES,
    MAX_RECORD_PAYLOAD_BYTES,
    Outcome,
    PushRecord,
    PushRequest,
    PushResult,
    payload_size,
)


@dataclass(frozen=True)
class PushSummary:
    sent: int = 0
    parked: int = 0
    flagged: int = 0
    server_time: datetime | None = None
    epoch_changed: bool = False


def push_all(
    db: Database, client: ServerClient, *, batch_size: int = MAX_PUSH_BATCH
) -> PushSummary:
    """Until nothing is pending. A network failure leaves the batch pending (attempts + 1)."""
    sent = parked = flagged = 0
    server_time = None
    epoch_changed = False
    while True:
        courtesy.give_way()  # on the client's background thread: the cashier goes first
        records = state.pending_batch(db, min(batch_size, MAX_PUSH_BATCH))
        if not records:
            break
        too_large = [r for r in records if _too_large(r)]
        if too_large:  # the server would refuse them: park them here, with the same reason
            state.apply_push_results(db, [_refused(r) for r in too_large], db.clock())
            parked += len(too_large)
            continue
        records = within_body_budget(records)
        epoch = state.connection(db).epoch
        request = PushRequest(epoch=epoch, client_time=db.clock(), records=records)
        courtesy.pause()  # the request's JSON is made in one stretch that holds the GIL
        try:
            response = client.push(request)
        except ServerUnavailable as error:
            state.count_attempt(db, [r.id for r in records], str(error))
            raise
        if response.epoch != epoch and state.adopt_epoch(db, response.epoch):
            epoch_changed = True  # everything sent before is pending again: loop sends it
        courtesy.preemptible(state.apply_push_results, db, response.results, response.server_time)
        server_time = response.server_time
        outcomes = [r.outcome for r in response.results]
        sent += sum(o in (Outcome.STORED, Outcome.DUPLICATE_SAME) for o in outcomes)
        parked += outcomes.count(Outcome.REJECTED)
        flagged += outcomes.count(Outcome.DUPLICATE_DIFFERENT)
        answered = {r.id for r in response.results}
        if not answered & {r.id for r in records}:
            # The server answered about none of them: stop rather than spin on the same batch.
            raise ServerUnavailable("The server's answer named none of the records sent.")
    return PushSummary(sent, parked, flagged, server_time, epoch_changed)


def within_body_budget(records: list[PushRecord]) -> list[PushRecord]:
    """The oldest records that fit one request under MAX_PUSH_BODY_BYTES (at least one): a
    batch of large records is sent in several requests instead of being refused whole."""
    kept: list[PushRecord] = []
    size = 0
    for record in records:
        courtesy.checkpoint()  # a long Python loop on the client's sync thread
        record_size = len(record.model_dump_json())
        if kept and size + record_size > MAX_PUSH_BODY_BYTES:
            break
        kept.append(record)
        size += record_size
    return kept


def _too_large(record: PushRecord) -> bool:
    courtesy.checkpoint()  # measuring 500 payloads is a long Python loop on the sync thread
    return payload_size(record.payload) > MAX_RECORD_PAYLOAD_BYTES


def _refused(record: PushRecord) -> PushResult:
    size = payload_size(record.payload)
    reason = f"its payload is {size:,} bytes, over the {MAX_RECORD_PAYLOAD_BYTES:,} allowed"
    return PushResult(id=record.id, outcome=Outcome.REJECTED, reason=reason)
