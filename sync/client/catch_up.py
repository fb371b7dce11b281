"""A counter far behind the feed (back after days offline, or after a big reference import on
the server) catches up at bulk speed.

Only a new counter's first load may set indexes aside (sync.client.first_load): here the
tables are full, so the rows stay indexed and searchable throughout. What is saved is the
per-change work: reference upserts of a page are shaped a column at a time (bulk_rows) and
merged by bulk.bulk_upsert_values - the same merge the normal apply runs (a row that did not
change is not rewritten, so its search entry is not either; an account or invoice number held
locally by another id is left as it is and logged). A batch whose rows do not fit, or that the
database refuses, goes to the normal apply, which quarantines exactly the bad changes.

Pages commit with synchronous=NORMAL while catching up (WAL: a power cut may lose the last
pages, never corrupt the file; their cursor goes with them, so they are pulled again; the
cashier's own commits go through another connection and stay FULL), and durably again at the
end, however it ends.
"""

import logging
import uuid
from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.db.database import Database
from app.db.tables import Payment
from sync.client import courtesy, first_load
from sync.client.apply import NATURAL_KEYS
from sync.client.apply import _pending_entity_ids as unsettled_ids  # the normal apply's rule
from sync.client.apply_records import PAYMENT_MOVES, VOID_FIELDS
from sync.client.bulk import bulk_upsert_values
from sync.client.bulk_rows import shape_of
from sync.client.rows import BadChange, row_for_value
from sync.protocol import Change

log = logging.getLogger(__name__)

CATCH_UP_FROM = 10_000  # changes behind: below this the normal apply is quick enough
ECHO_CHUNK = 900  # ids per lookup (SQLite's bound parameters)
_ENTITY = attrgetter("entity")


def far_behind(totals: Mapping[str, int] | None) -> bool:
    """Whether a pull with these totals (the server's count per entity) is a catch-up."""
    return totals is not None and sum(totals.values()) >= CATCH_UP_FROM


def start(db: Database) -> None:
    first_load.tune(db, synchronous="NORMAL", cache_kib=first_load.LOAD_CACHE_KIB)


def finish(db: Database) -> None:
    first_load.tune(db, synchronous="FULL", cache_kib=first_load.DEFAULT_CACHE_KIB)


def store(session: Session, changes: Sequence[Change]) -> tuple[list[Change], list[Change]]:
    """Merge the page's reference upserts; returns (stored, left for the normal apply)."""
    return first_load.store_batches(session, changes, _merge, "catch-up")


def _merge(connection: Connection, entity: str, batch: Sequence[Change]) -> None:
    table = first_load.TABLES[entity]
    shape = shape_of(table, connection.dialect)
    rows = shape.rows([{"id": change.key, **(change.data or {})} for change in batch])
    unique = NATURAL_KEYS.get(entity)
    for value in bulk_upsert_values(connection, table, shape.names, rows, unique=unique):
        log.warning("%s %s not applied: held locally by another id", entity, value)


# -- our own payments, echoed back by the feed ------------------------------------------------
def skip_echoes(
    session: Session, changes: Sequence[Change], own_terminal: uuid.UUID
) -> tuple[list[Change], list[Change]]:
    """(our own payments the feed sends back exactly as we hold them, the rest).

    Every payment a counter pushes comes back to it on the feed: after 100,000 payments taken
    offline, 100,000 of them. The normal apply looks each one up to find that nothing moved;
    here one query per chunk settles the unchanged ones. Anything that may change a row - a
    moving field that differs, a void (whose reversals must exist), a payment we do not hold or
    one still on its way to the server - goes to the normal apply, which decides as always."""
    if "payment" not in set(map(_ENTITY, changes)):  # a first load's pages: looked at in C
        return [], list(changes)
    mine: dict[uuid.UUID, Change] = {}
    rest: list[Change] = []
    for change in changes:
        payment_id = _own_payment(change, own_terminal)
        if payment_id is None:
            rest.append(change)
        else:
            mine[payment_id] = change
    if not mine:
        return [], rest
    held = _held_moves(session, list(mine))
    echoes: list[Change] = []
    for payment_id, change in mine.items():
        courtesy.checkpoint()  # a background sync stops here if the cashier came in
        current = held.get(payment_id)
        if current is not None and _unchanged(current, change.data or {}):
            echoes.append(change)
        else:
            rest.append(change)
    return echoes, rest


def _own_payment(change: Change, own_terminal: uuid.UUID) -> uuid.UUID | None:
    data = change.data
    if change.entity != "payment" or change.op != "upsert" or data is None:
        return None
    if data.get("source") == "online" or data.get("status") == "Voided":
        return None
    try:
        if uuid.UUID(str(data.get("terminal_id"))) != own_terminal:
            return None
        return uuid.UUID(str(data.get("id") or change.key))
    except ValueError:
        return None  # malformed: the normal apply quarantines it


def _held_moves(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """Our payments' moving fields - of those no outbox row still holds back."""
    pending = unsettled_ids(session)
    columns = [Payment.__table__.c[name] for name in PAYMENT_MOVES]
    held: dict[uuid.UUID, dict[str, Any]] = {}
    for start in range(0, len(ids), ECHO_CHUNK):
        chunk = [i for i in ids[start : start + ECHO_CHUNK] if i not in pending]
        query = select(Payment.id, *columns).where(Payment.id.in_(chunk))
        # Core rows, one at a time: the ORM's loading took the whole chunk in one stretch
        # (5-10 ms of Python inside the page's transaction that a cashier had to wait out).
        for row in session.connection().execute(query):
            courtesy.checkpoint()
            held[row.id] = {name: getattr(row, name) for name in PAYMENT_MOVES}
    return held


def _unchanged(held: dict[str, Any], data: dict[str, Any]) -> bool:
    """What the normal apply's _moves would find: no moving field differs (a void is final)."""
    final = VOID_FIELDS if held["status"] == "Voided" else ()
    columns = Payment.__table__.columns
    for name in PAYMENT_MOVES:
        if name not in data or name in final:
            continue
        if name == "voided_by" and data[name] is not None:
            return False  # whether that user is on this counter: the normal apply knows
        try:
            value = row_for_value(columns[name], data[name])
        except BadChange:
            return False
        if value != held[name]:
            return False
    return True
