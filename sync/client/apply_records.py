"""Apply money records from the feed: other counters' payments and credit notes, online
(gateway) payments, and what another counter changed on ours (a void, a
verification, a credit-note decision). Called by sync.client.apply inside the page's
transaction. Amounts and numbers are append-only: a payment we already hold only takes the
fields that move (status, verification, settlement, void), and a void adds the negative twins
of its allocations exactly once, wherever it was made."""

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, exists, insert, select, update
from sqlalchemy.orm import Session

from app.db.tables import (
    Bill,
    Consumer,
    CreditNote,
    Installment,
    Payment,
    PaymentAllocation,
    ServiceCharge,
    Setting,
    Terminal,
    User,
)
from app.domain.ids import new_id
from sync.client import courtesy
from sync.client.bulk import bulk_upsert
from sync.client.guarded import MALFORMED, Failure, World, check_rules, describe, guarded
from sync.client.rows import convert, row_for, row_for_value
from sync.protocol import Change

log = logging.getLogger(__name__)

PAYMENT_MOVES = (
    "status",
    "verification",
    "settlement_status",
    "settled_at",
    "voided_at",
    "voided_by",
    "void_reason",
)


@dataclass(frozen=True)
class PaymentUnit:
    """One pulled payment made ready: a full row for another counter's (or an online) payment,
    only the fields that move for one of ours."""

    change: Change
    payment_id: uuid.UUID
    row: dict[str, Any]
    allocations: list[dict[str, Any]]
    own: bool
    voided: bool


VOID_FIELDS = ("status", "voided_at", "voided_by", "void_reason")


def apply_payments(
    session: Session, batch: list[Change], own: uuid.UUID, pending: set[uuid.UUID], world: World
) -> tuple[int, list[Failure]]:
    units: list[PaymentUnit] = []
    failures: list[Failure] = []
    methods = _method_kinds(session)
    for change in batch:
        courtesy.checkpoint()  # a background sync stops here if the cashier came in
        if change.op != "upsert" or change.data is None:
            continue  # payments are never deleted
        try:
            unit = _payment_unit(session, change, own, pending, methods, world)
        except MALFORMED as error:
            failures.append(Failure(change, describe(error)))
            continue
        if unit is not None:
            units.append(unit)
    refused = guarded(session, units, lambda some: _store_payments(session, some), _change)
    return len(units) - len(refused), failures + refused


def _change(unit: Any) -> Change:
    return unit.change


def _payment_unit(
    session: Session,
    change: Change,
    own: uuid.UUID,
    pending: set[uuid.UUID],
    methods: dict[str, str],
    world: World,
) -> PaymentUnit | None:
    data = dict(change.data or {})
    payment_id = uuid.UUID(str(data.get("id") or change.key))
    if payment_id in pending:
        return None  # our newer version is on its way to the server
    online = data.get("source") == "online"
    terminal = _terminal_for(session, data, online)
    if data.get("status") == "Voided" and not data.get("void_reason"):
        data["void_reason"] = data.get("reason")  # a pushed void names it "reason"
    voided = data.get("status") == "Voided"
    if terminal == own:
        # Ours: amounts and numbers are ours, but a void or verification made at another
        # counter (or by the server) must reach us too.
        held = session.get(Payment, payment_id)
        if held is None:
            return None
        moves = _moves(session, held, data)
        return PaymentUnit(change, payment_id, moves, [], True, voided)
    if not _exists(session, Consumer, data.get("consumer_id")):
        log.warning("payment %s skipped: its consumer is not on this counter", payment_id)
        return None
    amount = int(data["amount_minor"])
    number = data.get("payment_number") or f"ONL-{data.get('external_id') or payment_id}"
    defaults = {
        "id": payment_id,
        "terminal_id": terminal,
        "payment_number": number,
        "transaction_number": data.get("transaction_number") or number,
        "receipt_number": data.get("receipt_number") or number,
        "recorded_by": _known_user(session, data.get("recorded_by")),
        "voided_by": _known_user(session, data.get("voided_by")),
    }
    data.setdefault("method_kind", methods.get(str(data.get("method")), "card"))
    data.setdefault("tendered_minor", amount)
    data.setdefault("change_minor", 0)
    data.setdefault("overpaid_minor", 0)
    data.setdefault("outstanding_minor", amount)
    data.setdefault("payment_type", "Bill")
    data.setdefault("channel", "Online" if online else "Walk-in")
    data.setdefault("method", "Online")
    data.setdefault("verification", "Pending" if online else "Verified")
    recorded = data.get("recorded_at") or data.get("occurred_at") or data.get("received_at")
    data.setdefault("recorded_at", recorded)
    data.setdefault("payment_date", str(recorded)[:10] if recorded else None)
    check_rules("payment", data, world)
    row = row_for(Payment.__table__, data, **defaults)  # type: ignore[arg-type]
    allocations = [
        allocation
        for share in data.get("allocations") or []
        if (allocation := _allocation(session, payment_id, share)) is not None
    ]
    return PaymentUnit(change, payment_id, row, allocations, False, voided)


def _moves(session: Session, held: Payment, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of our own payment that the feed changed (nothing when they are the same)."""
    columns = Payment.__table__.columns
    values: dict[str, Any] = {}
    # A void is final: a stale copy of the record never undoes it.
    final = VOID_FIELDS if held.status == "Voided" else ()
    for name in PAYMENT_MOVES:
        if name not in data or name in final:
            continue
        if name == "voided_by":
            value = _known_user(session, data[name])
        else:
            value = row_for_value(columns[name], data[name])
        if value != getattr(held, name):
            values[name] = value
    return values


def _store_payments(session: Session, units: Sequence[PaymentUnit]) -> None:
    connection = session.connection()
    table: Table = Payment.__table__  # type: ignore[assignment]
    others = [u for u in units if not u.own]
    bulk_upsert(connection, table, [u.row for u in others], update=PAYMENT_MOVES)
    allocations = [a for u in others for a in u.allocations]
    bulk_upsert(connection, PaymentAllocation.__table__, allocations, update=())  # type: ignore[arg-type]
    for unit in units:
        if unit.own and unit.row:
            connection.execute(update(table).where(table.c.id == unit.payment_id), unit.row)
    reverse_voided(session, [u.payment_id for u in units if u.voided])


def reverse_voided(session: Session, payment_ids: Sequence[uuid.UUID]) -> int:
    """Give every allocation of a voided payment its negative twin, as a void made here does
    (app/services/void_payment.py), so balances and collections drop it; an allocation that
    already has its twin (voided here, or on an earlier pull) gets no second one."""
    allocations: Table = PaymentAllocation.__table__  # type: ignore[assignment]
    twin = allocations.alias("twin")
    added = 0
    for start in range(0, len(payment_ids), 500):
        chunk = list(payment_ids[start : start + 500])
        originals = session.execute(
            select(allocations).where(
                allocations.c.payment_id.in_(chunk),
                allocations.c.reversal_of.is_(None),
                ~exists().where(twin.c.reversal_of == allocations.c.id),
            )
        ).all()
        rows = [
            {
                **original._asdict(),
                "id": new_id(),
                "amount_minor": -original.amount_minor,
                "reversal_of": original.id,
            }
            for original in originals
        ]
        if rows:
            session.execute(insert(allocations), rows)
            added += len(rows)
    return added


def _allocation(
    session: Session, payment_id: uuid.UUID, share: dict[str, Any]
) -> dict[str, Any] | None:
    targets = (
        ("bill_id", Bill),
        ("service_charge_id", ServiceCharge),
        ("installment_id", Installment),
    )
    if not any(share.get(name) and _exists(session, model, share[name]) for name, model in targets):
        return None  # its item is not on this counter: nothing local to reduce
    data = {**share, "payment_id": str(payment_id)}
    data.setdefault("collection_days", 0)
    if data.get("reversal_of") and not _exists(session, PaymentAllocation, data["reversal_of"]):
        data["reversal_of"] = None
    return row_for(PaymentAllocation.__table__, data)  # type: ignore[arg-type]


@dataclass(frozen=True)
class NoteUnit:
    change: Change
    note_id: uuid.UUID
    row: dict[str, Any]
    own: bool


def apply_credit_notes(
    session: Session, batch: list[Change], own: uuid.UUID, pending: set[uuid.UUID], world: World
) -> tuple[int, list[Failure]]:
    units: list[NoteUnit] = []
    failures: list[Failure] = []
    for change in batch:
        if change.op != "upsert" or change.data is None:
            continue
        try:
            unit = _note_unit(session, change, own, pending, world)
        except MALFORMED as error:
            failures.append(Failure(change, describe(error)))
            continue
        if unit is not None:
            units.append(unit)
    refused = guarded(session, units, lambda some: _store_notes(session, some), _change)
    return len(units) - len(refused), failures + refused


def _note_unit(
    session: Session, change: Change, own: uuid.UUID, pending: set[uuid.UUID], world: World
) -> NoteUnit | None:
    data = dict(change.data or {})
    note_id = uuid.UUID(str(data.get("id") or change.key))
    payment = _get(session, Payment, data.get("payment_id"))
    if payment is None:
        log.warning("credit note %s skipped: its payment is not on this counter", note_id)
        return None
    terminal = _note_terminal(session, data, payment.terminal_id)
    if note_id in pending:
        return None
    if terminal == own:
        # Ours: only a decision or an application made elsewhere moves its status, and only
        # forward (a copy sent before we cancelled it here must not bring it back).
        held = session.get(CreditNote, note_id)
        if held is None or _note_stage(data.get("status")) <= _note_stage(held.status):
            return None
        moves = {k: data[k] for k in NOTE_MOVES if k in data}
        return NoteUnit(change, note_id, moves, True)
    check_rules("credit_note", data, world)
    created = data.get("created_at")
    data.setdefault("created_on", str(created)[:10] if created else None)
    row = row_for(
        CreditNote.__table__,  # type: ignore[arg-type]
        data,
        id=note_id,
        terminal_id=terminal,
        created_by=_known_user(session, data.get("created_by")),
    )
    return NoteUnit(change, note_id, row, False)


NOTE_MOVES = ("status", "remarks")
_NOTE_STAGES = {"Pending Approval": 0, "Active": 1}  # anything else is final (2)


def _note_stage(status: object) -> int:
    return _NOTE_STAGES.get(str(status), 2) if status else -1


def _store_notes(session: Session, units: Sequence[NoteUnit]) -> None:
    connection = session.connection()
    table: Table = CreditNote.__table__  # type: ignore[assignment]
    bulk_upsert(connection, table, [u.row for u in units if not u.own], update=NOTE_MOVES)
    for unit in units:
        if unit.own and unit.row:
            connection.execute(update(table).where(table.c.id == unit.note_id), unit.row)


# -- helpers ---------------------------------------------------------------------------------
def _method_kinds(session: Session) -> dict[str, str]:
    row = session.get(Setting, "methods")
    methods = json.loads(row.value_json) if row else []
    return {m["name"]: m["kind"] for m in methods}


def _exists(session: Session, model: type, key: object) -> bool:
    if not key:
        return False
    try:
        return session.get(model, uuid.UUID(str(key))) is not None
    except ValueError:
        return False


def _get(session: Session, model: type, key: object) -> Any:
    if not key:
        return None
    try:
        return session.get(model, uuid.UUID(str(key)))
    except ValueError:
        return None


def _note_terminal(session: Session, data: dict[str, Any], fallback: uuid.UUID) -> uuid.UUID:
    """The server names a credit note's counter by code; the note's payment's counter is the
    best guess for an older server that does not."""
    if data.get("terminal_id"):
        return _terminal_for(session, data, online=False)
    code = data.get("terminal_code")
    found = session.scalar(select(Terminal.id).where(Terminal.code == code)) if code else None
    return found or fallback


def _known_user(session: Session, key: object) -> uuid.UUID | None:
    return uuid.UUID(str(key)) if _exists(session, User, key) else None


def _terminal_for(session: Session, data: dict[str, Any], online: bool) -> uuid.UUID:
    """The payment's terminal row, created on first sight (codes come from the server)."""
    if online or not data.get("terminal_id"):
        code, terminal_id = "ONLINE", uuid.UUID(int=0)
    else:
        terminal_id = uuid.UUID(str(data["terminal_id"]))
        code = str(data.get("terminal_code") or f"X{terminal_id.hex[-7:].upper()}")
    if session.get(Terminal, terminal_id) is None:
        if session.scalar(select(Terminal.id).where(Terminal.code == code)) is not None:
            code = f"X{terminal_id.hex[-7:].upper()}"
        name = "Online payments" if online else f"Counter {code}"
        session.add(Terminal(id=terminal_id, code=code, name=name, created_at=moment(None)))
        session.flush()
    return terminal_id


def moment(value: object) -> datetime:
    return convert(value, datetime) if value else datetime.now(UTC)
