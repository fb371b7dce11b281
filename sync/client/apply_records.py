"""Apply money records of others from the feed: other counters' payments and credit notes,
online (gateway) payments, and the server's flags. Called by sync.client.apply inside the
page's transaction. Amounts and numbers are append-only: a payment we already hold only takes
the fields that move (status, verification, settlement, void)."""

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.db.tables import (
    Bill,
    Consumer,
    CreditNote,
    Installment,
    OutboxRecord,
    Payment,
    PaymentAllocation,
    ServiceCharge,
    Setting,
    SyncFlag,
    Terminal,
    User,
)
from sync.client.bulk import bulk_upsert
from sync.client.rows import BadChange, convert, row_for
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


def apply_payments(
    session: Session, batch: list[Change], own: uuid.UUID, pending: set[uuid.UUID]
) -> int:
    table: Table = Payment.__table__  # type: ignore[assignment]
    rows: list[dict[str, Any]] = []
    allocations: list[dict[str, Any]] = []
    settings_methods = _method_kinds(session)
    for change in batch:
        if change.op != "upsert" or change.data is None:
            continue  # payments are never deleted
        data = dict(change.data)
        payment_id = uuid.UUID(str(data.get("id") or change.key))
        if payment_id in pending:
            continue
        online = data.get("source") == "online"
        terminal = _terminal_for(session, data, online)
        if terminal == own:
            continue  # ours: we wrote it, the server only echoes it
        if not _exists(session, Consumer, data.get("consumer_id")):
            log.warning("payment %s skipped: its consumer is not on this counter", payment_id)
            continue
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
        data.setdefault("method_kind", settings_methods.get(str(data.get("method")), "card"))
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
        try:
            rows.append(row_for(table, data, **defaults))
        except BadChange as error:
            log.warning("payment %s skipped: %s", payment_id, error)
            continue
        for share in data.get("allocations") or []:
            allocation = _allocation(session, payment_id, share)
            if allocation is not None:
                allocations.append(allocation)
    connection = session.connection()
    bulk_upsert(connection, table, rows, update=PAYMENT_MOVES)
    bulk_upsert(connection, PaymentAllocation.__table__, allocations, update=())  # type: ignore[arg-type]
    return len(rows)


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


def apply_credit_notes(
    session: Session, batch: list[Change], own: uuid.UUID, pending: set[uuid.UUID]
) -> int:
    table: Table = CreditNote.__table__  # type: ignore[assignment]
    rows = []
    for change in batch:
        if change.op != "upsert" or change.data is None:
            continue
        data = dict(change.data)
        note_id = uuid.UUID(str(data.get("id") or change.key))
        payment = _get(session, Payment, data.get("payment_id"))
        if payment is None:
            log.warning("credit note %s skipped: its payment is not on this counter", note_id)
            continue
        terminal = _note_terminal(session, data, payment.terminal_id)
        if note_id in pending or terminal == own:
            continue
        created = data.get("created_at")
        data.setdefault("created_on", str(created)[:10] if created else None)
        try:
            rows.append(
                row_for(
                    table,
                    data,
                    id=note_id,
                    terminal_id=terminal,
                    created_by=_known_user(session, data.get("created_by")),
                )
            )
        except BadChange as error:
            log.warning("credit note %s skipped: %s", note_id, error)
    bulk_upsert(session.connection(), table, rows, update=("status", "remarks"))
    return len(rows)


def apply_flags(session: Session, batch: list[Change]) -> int:
    """Open flags are listed; a resolved one is kept with how it was resolved (off the open
    list). A resolution made here and not yet sent is never overwritten by the server's
    older view of the flag."""
    unsent = _unsent_resolutions(session)
    for change in batch:
        row = session.get(SyncFlag, change.key)
        if change.op == "delete":
            if row is not None and change.key not in unsent:
                session.delete(row)
            continue
        data = change.data or {}
        detail = data.get("detail") if isinstance(data.get("detail"), dict) else {}
        merged = {**detail, **{k: v for k, v in data.items() if k != "detail"}}
        subject = str(merged.get("subject") or "")
        entity, _, entity_id = subject.partition(":")
        values: dict[str, Any] = {
            "kind": str(merged.get("kind") or "flag"),
            "entity": str(merged.get("entity") or entity or "") or None,
            "entity_id": str(merged.get("entity_id") or entity_id or "") or None,
            "reason": str(merged.get("reason") or merged.get("message") or _describe(merged)),
            "data_json": json.dumps(merged, sort_keys=True, default=str),
            "flagged_at": moment(merged.get("updated_at") or merged.get("created_at")),
        }
        if change.key not in unsent:
            values.update(_resolution_values(data.get("resolved_at"), detail.get("resolution")))
        if row is None:
            session.add(SyncFlag(key=change.key, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
    session.flush()
    return len(batch)


def _unsent_resolutions(session: Session) -> set[str]:
    return {
        str(entity_id)
        for entity_id in session.scalars(
            select(OutboxRecord.entity_id).where(
                OutboxRecord.entity == "flag_resolution", OutboxRecord.state == "pending"
            )
        )
    }


def _resolution_values(resolved_at: object, resolution: object) -> dict[str, Any]:
    if not resolved_at:
        return {"resolved_at": None, "resolution": None, "resolution_json": None}
    how = resolution if isinstance(resolution, dict) else {}
    return {
        "resolved_at": moment(resolved_at),
        "resolution": str(how.get("resolution") or "Resolved")[:20],
        "resolution_json": json.dumps(how, sort_keys=True, default=str) if how else None,
    }


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


def _describe(data: dict[str, Any]) -> str:
    kind = str(data.get("kind") or "flag").replace("_", " ")
    return kind[:1].upper() + kind[1:]
