"""Apply one page of the server's change feed to the counter's tables (inside the caller's
transaction, together with the new cursor).

Rules:
* Reference rows (consumers, bills, service charges, plans, installments, users) are upserted
  in bulk; settings win by version.
* Payments and credit notes of other counters and online payments are added; for ones we
  already hold only the fields that move (status, verification, settlement, void) change -
  amounts and numbers are append-only. This counter's own records are never touched by a pull,
  and neither is any record with a pending outbox row (the counter's version is newer).
* Deletions are tombstones: a row nothing refers to is deleted; a row that payments or
  credit notes refer to is kept for their history and marked inactive where the table has
  a status (consumers -> "Inactive", users -> inactive, plans -> "Cancelled"); bills, service
  charges and installments with payments are kept as they are (their amounts are history).
"""

import json
import logging
import uuid
from collections.abc import Iterable

from sqlalchemy import Table, delete, exists, select, update
from sqlalchemy.orm import Session

from app.db.tables import (
    Bill,
    Consumer,
    CreditNote,
    CreditNoteApplication,
    Installment,
    OutboxRecord,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    ServiceCharge,
    Setting,
    User,
)
from app.domain.errors import UserFacingError
from app.domain.settings import Settings
from sync.client.apply_records import apply_credit_notes, apply_flags, apply_payments, moment
from sync.client.bulk import bulk_upsert
from sync.client.rows import BadChange, row_for
from sync.protocol import Change

log = logging.getLogger(__name__)

# Parents before children, so a page that brings both satisfies the foreign keys.
ORDER = (
    "setting",
    "user",
    "consumer",
    "bill",
    "service_charge",
    "payment_plan",
    "installment",
    "payment",
    "credit_note",
    "flag",
)
REFERENCE: dict[str, Table] = {
    "user": User.__table__,  # type: ignore[dict-item]
    "consumer": Consumer.__table__,  # type: ignore[dict-item]
    "bill": Bill.__table__,  # type: ignore[dict-item]
    "service_charge": ServiceCharge.__table__,  # type: ignore[dict-item]
    "payment_plan": PaymentPlan.__table__,  # type: ignore[dict-item]
    "installment": Installment.__table__,  # type: ignore[dict-item]
}
NO_SIGN_IN = "!synced-without-secret"  # never a valid argon2 hash: such a user cannot sign in


def apply_changes(session: Session, changes: Iterable[Change], own_terminal: uuid.UUID) -> int:
    """Apply a page; returns how many changes were applied (skipped ones not counted)."""
    latest: dict[tuple[str, str], Change] = {}
    for change in changes:
        latest[(change.entity, change.key)] = change  # a later change of a key wins
    by_entity: dict[str, list[Change]] = {}
    for change in latest.values():
        by_entity.setdefault(change.entity, []).append(change)
    unknown = sorted(set(by_entity) - set(ORDER))
    if unknown:
        log.warning("ignoring changes of unknown entities: %s", ", ".join(unknown))
    applied = 0
    pending = _pending_entity_ids(session)
    for entity in ORDER:
        batch = by_entity.get(entity, [])
        if not batch:
            continue
        if entity == "setting":
            applied += _settings(session, batch)
        elif entity in REFERENCE:
            applied += _reference(session, entity, batch)
        elif entity == "payment":
            applied += apply_payments(session, batch, own_terminal, pending)
        elif entity == "credit_note":
            applied += apply_credit_notes(session, batch, own_terminal, pending)
        else:
            applied += apply_flags(session, batch)
    return applied


# -- reference data --------------------------------------------------------------------------
def _reference(session: Session, entity: str, batch: list[Change]) -> int:
    table = REFERENCE[entity]
    upserts = [c for c in batch if c.op == "upsert" and c.data is not None]
    rows = []
    for change in upserts:
        data = dict(change.data or {})
        data.setdefault("id", change.key)
        if entity == "user" and not data.get("secret_hash"):
            existing = session.get(User, uuid.UUID(str(data["id"])))
            data["secret_hash"] = existing.secret_hash if existing else NO_SIGN_IN
        try:
            rows.append(row_for(table, data))
        except BadChange as error:  # one malformed row must not stop the counter's sync
            log.warning("%s %s skipped: %s", entity, change.key, error)
    # A name or number held locally by another id - the counter's own built-in admin, or data
    # loaded before the counter was registered - is left as it is: logged, never fatal.
    unique = NATURAL_KEYS.get(entity)
    for value in bulk_upsert(session.connection(), table, rows, unique=unique):
        log.warning("%s %s not applied: held locally by another id", entity, value)
    deletes = [c.key for c in batch if c.op == "delete"]
    for key in deletes:
        _tombstone(session, entity, uuid.UUID(key))
    return len(rows) + len(deletes)


NATURAL_KEYS = {
    "user": "username",
    "consumer": "account_number",
    "bill": "invoice_number",
    "service_charge": "reference",
    "payment_plan": "plan_number",
}


def _tombstone(session: Session, entity: str, key: uuid.UUID) -> None:
    referenced = {
        "consumer": exists().where(Payment.consumer_id == key)
        | exists().where(CreditNote.consumer_id == key)
        | exists().where(Bill.consumer_id == key)
        | exists().where(ServiceCharge.consumer_id == key)
        | exists().where(PaymentPlan.consumer_id == key),
        "bill": exists().where(PaymentAllocation.bill_id == key)
        | exists().where(CreditNoteApplication.bill_id == key),
        "service_charge": exists().where(PaymentAllocation.service_charge_id == key)
        | exists().where(CreditNoteApplication.service_charge_id == key),
        "installment": exists().where(PaymentAllocation.installment_id == key)
        | exists().where(CreditNoteApplication.installment_id == key),
        "payment_plan": exists().where(Installment.plan_id == key),
        "user": exists().where(Payment.recorded_by == key),
    }[entity]
    table = REFERENCE[entity]
    if entity == "user":
        # Audit events and shifts name users: a user is only ever disabled.
        session.execute(update(User).where(User.id == key).values(active=False))
    elif session.scalar(select(referenced)):
        if entity == "consumer":
            session.execute(update(Consumer).where(Consumer.id == key).values(status="Inactive"))
        elif entity == "payment_plan":
            session.execute(
                update(PaymentPlan).where(PaymentPlan.id == key).values(status="Cancelled")
            )
    else:
        session.execute(delete(table).where(table.c.id == key))


# -- settings: the higher version wins, and a local change not yet sent is kept -------------
def _settings(session: Session, batch: list[Change]) -> int:
    known = set(Settings.__dataclass_fields__)
    unsent = _pending_setting_keys(session)
    current = {s.key: s for s in session.scalars(select(Setting))}
    values = {k: json.loads(s.value_json) for k, s in current.items()}
    applied = 0
    for change in batch:
        key = change.key
        if key not in known or key in unsent:
            continue  # a newer server's setting, or our own change on its way to the server
        row = current.get(key)
        if change.op == "delete":
            if row is not None:
                session.delete(row)
                values.pop(key, None)
                applied += 1
            continue
        data = change.data or {}
        version = int(data.get("version", 1))
        if row is not None and row.version > version:
            continue
        value = data.get("value")
        try:
            Settings.from_mapping({**values, key: value})
        except (UserFacingError, TypeError, ValueError) as error:
            log.warning("server setting %s not applied: %s", key, error)
            continue
        values[key] = value
        updated_at = moment(data.get("updated_at"))
        if row is None:
            row = Setting(key=key, value_json="null", version=version, updated_at=updated_at)
            session.add(row)
            current[key] = row
        row.value_json, row.version, row.updated_at = json.dumps(value), version, updated_at
        applied += 1
    session.flush()
    return applied


# -- helpers ---------------------------------------------------------------------------------
def _pending_entity_ids(session: Session) -> set[uuid.UUID]:
    return set(
        session.scalars(select(OutboxRecord.entity_id).where(OutboxRecord.state == "pending"))
    )


def _pending_setting_keys(session: Session) -> set[str]:
    keys: set[str] = set()
    for payload in session.scalars(
        select(OutboxRecord.payload_json).where(
            OutboxRecord.state == "pending", OutboxRecord.entity == "settings_change"
        )
    ):
        keys.update(json.loads(payload).get("changed", {}))
    return keys
