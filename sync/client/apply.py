"""Apply one page of the server's change feed to the counter's tables (inside the caller's
transaction, together with the new cursor).

Rules:
* Reference rows (consumers, bills, service charges, plans, installments, users) are upserted
  in bulk; settings win by version.
* Payments and credit notes of other counters and online payments are added; for ones we
  already hold only the fields that move (status, verification, settlement, void) change -
  amounts and numbers are append-only. This counter's own records take those moving fields too
  (a void made at another counter reaches the counter that took the payment); no record with a
  pending outbox row is touched (the counter's version is newer).
* A change the counter cannot apply (malformed, refused by the shared domain rules or by a
  database constraint) never stops the page: it is returned as a Failure for the caller to
  quarantine, and everything else applies (see sync.client.guarded).
* Deletions are tombstones: a row nothing refers to is deleted; a row that payments or
  credit notes refer to is kept for their history and marked inactive where the table has
  a status (consumers -> "Inactive", users -> inactive, plans -> "Cancelled"); bills, service
  charges and installments with payments are kept as they are (their amounts are history).
"""

import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

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
from sync.client import courtesy
from sync.client.apply_disputes import apply_circumstances, apply_disputes
from sync.client.apply_flags import apply_flags
from sync.client.apply_records import apply_credit_notes, apply_payments, moment
from sync.client.apply_recovery import apply_recovery_cases
from sync.client.apply_smart_collect import apply_escalation_steps, apply_smart_collect
from sync.client.bulk import bulk_upsert
from sync.client.guarded import MALFORMED, Failure, World, describe, guarded
from sync.client.rows import row_for
from sync.protocol import Change

log = logging.getLogger(__name__)
# A server setting this counter cannot take: the rules refused it, or its value is malformed.
_SETTING_REFUSED: tuple[type[Exception], ...] = (UserFacingError, *MALFORMED)

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
    "dispute",
    "consumer_circumstances",
    "recovery_case",
    "smart_collect",
    "escalation_steps",
)
REFERENCE: dict[str, Table] = {
    "user": User.__table__,  # type: ignore[dict-item]
    "consumer": Consumer.__table__,  # type: ignore[dict-item]
    "bill": Bill.__table__,  # type: ignore[dict-item]
    "service_charge": ServiceCharge.__table__,  # type: ignore[dict-item]
    "payment_plan": PaymentPlan.__table__,  # type: ignore[dict-item]
    "installment": Installment.__table__,  # type: ignore[dict-item]
}
RECOVERY_FEED = {"recovery_case": apply_recovery_cases, "smart_collect": apply_smart_collect,
                 "escalation_steps": apply_escalation_steps}  # fmt: skip
HOLDS = {"dispute": apply_disputes, "consumer_circumstances": apply_circumstances}
NO_SIGN_IN = "!synced-without-secret"  # never a valid argon2 hash: such a user cannot sign in


@dataclass(frozen=True)
class Applied:
    """What a page did: how many changes were applied, and the ones that could not be."""

    count: int = 0
    failures: list[Failure] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # every change looked at, latest only

    @property
    def settled(self) -> list[Change]:
        """The changes that did not fail (applied, or skipped by rule): none is quarantined."""
        failed = {(f.change.entity, f.change.key) for f in self.failures}
        return [c for c in self.changes if (c.entity, c.key) not in failed]


def apply_changes(
    session: Session,
    changes: Iterable[Change],
    own_terminal: uuid.UUID,
    *,
    now: datetime | None = None,
) -> Applied:
    """Apply a page; the count leaves out skipped and failed changes. `now` is the server's
    time for the page: dates in records are judged by it."""
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
    failures: list[Failure] = []
    pending = _pending_entity_ids(session)
    for entity in ORDER:
        courtesy.checkpoint()  # a background sync stops here if the cashier came in
        batch = by_entity.get(entity, [])
        if not batch:
            continue
        if entity == "setting":
            count, failed = _settings(session, batch)
        elif entity in REFERENCE:
            count, failed = _reference(session, entity, batch)
        elif entity == "payment":
            world = _world(session, now)
            count, failed = apply_payments(session, batch, own_terminal, pending, world)
        elif entity == "credit_note":
            world = _world(session, now)
            count, failed = apply_credit_notes(session, batch, own_terminal, pending, world)
        elif entity in RECOVERY_FEED:  # cases, Smart Collect views, escalation steps
            feed = partial(RECOVERY_FEED[entity], session)
            failed = guarded(session, batch, lambda some: feed(list(some)), _same)  # noqa: B023
            count = len(batch) - len(failed)
        elif entity in HOLDS:  # disputes and circumstances (apply_disputes.py)
            count, failed = HOLDS[entity](session, batch, pending, _world(session, now).now)
        else:
            failed = guarded(session, batch, lambda some: apply_flags(session, list(some)), _same)
            count = len(batch) - len(failed)
        applied += count
        failures += failed
    return Applied(applied, failures, list(latest.values()))


def _same(change: Change) -> Change:
    return change


# -- reference data --------------------------------------------------------------------------
def _reference(session: Session, entity: str, batch: list[Change]) -> tuple[int, list[Failure]]:
    table = REFERENCE[entity]
    units: list[tuple[Change, dict[str, object]]] = []
    failures: list[Failure] = []
    for change in batch:
        courtesy.checkpoint()
        if change.op != "upsert" or change.data is None:
            continue
        try:
            units.append((change, _reference_row(session, entity, table, change)))
        except MALFORMED as error:  # one malformed row must not stop the counter's sync
            failures.append(Failure(change, describe(error)))

    def store(some: Sequence[tuple[Change, dict[str, object]]]) -> None:
        # A name or number held locally by another id - the counter's own built-in admin, or
        # data loaded before the counter was registered - is left as it is: logged, never fatal.
        rows = [row for _, row in some]
        unique = NATURAL_KEYS.get(entity)
        for value in bulk_upsert(session.connection(), table, rows, unique=unique):
            log.warning("%s %s not applied: held locally by another id", entity, value)

    refused = guarded(session, units, store, lambda unit: unit[0])
    deletes = [c for c in batch if c.op == "delete"]

    def tombstones(some: Sequence[Change]) -> None:
        for change in some:
            _tombstone(session, entity, uuid.UUID(change.key))

    refused += guarded(session, deletes, tombstones, _same)
    return len(units) + len(deletes) - len(refused), failures + refused


def _reference_row(
    session: Session, entity: str, table: Table, change: Change
) -> dict[str, object]:
    data = dict(change.data or {})
    data.setdefault("id", change.key)
    if entity == "user" and not data.get("secret_hash"):
        existing = session.get(User, uuid.UUID(str(data["id"])))
        data["secret_hash"] = existing.secret_hash if existing else NO_SIGN_IN
    return row_for(table, data)


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
def _settings(session: Session, batch: list[Change]) -> tuple[int, list[Failure]]:
    known = set(Settings.__dataclass_fields__)
    unsent = _pending_setting_keys(session)
    current = {s.key: s for s in session.scalars(select(Setting))}
    values = {k: json.loads(s.value_json) for k, s in current.items()}
    applied = 0
    failures: list[Failure] = []
    for change in batch:
        try:
            version = int((change.data or {}).get("version", 1))
        except MALFORMED as error:
            failures.append(Failure(change, describe(error)))
            continue
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
        if row is not None and row.version > version:
            continue
        value = data.get("value")
        try:
            Settings.from_mapping({**values, key: value})
            updated_at = moment(data.get("updated_at"))
        except _SETTING_REFUSED as error:
            log.warning("server setting %s not applied: %s", key, error)
            failures.append(Failure(change, describe(error)))
            continue
        values[key] = value
        if row is None:
            row = Setting(key=key, value_json="null", version=version, updated_at=updated_at)
            session.add(row)
            current[key] = row
        row.value_json, row.version, row.updated_at = json.dumps(value), version, updated_at
        applied += 1
    session.flush()
    return applied, failures


# -- helpers ---------------------------------------------------------------------------------
def _world(session: Session, now: datetime | None) -> World:
    """Read after the page's settings applied: a new currency counts for its own page."""
    row = session.get(Setting, "currency")
    currency = json.loads(row.value_json) if row is not None else Settings().currency
    return World(str(currency), now or datetime.now(UTC))


def _pending_entity_ids(session: Session) -> set[uuid.UUID]:
    """Records whose local version the server has not taken yet: on the way, or parked or
    flagged until a supervisor acts. The pull leaves them as they are here."""
    unsettled = OutboxRecord.state.in_(("pending", "parked", "flagged"))
    return set(session.scalars(select(OutboxRecord.entity_id).where(unsettled)))


def _pending_setting_keys(session: Session) -> set[str]:
    keys: set[str] = set()
    for payload in session.scalars(
        select(OutboxRecord.payload_json).where(
            OutboxRecord.state == "pending", OutboxRecord.entity == "settings_change"
        )
    ):
        keys.update(json.loads(payload).get("changed", {}))
    return keys
