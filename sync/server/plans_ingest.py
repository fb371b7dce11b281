"""A payment plan made or modified at a counter, pushed as "payment_plan": checked with the
counter's own rules, numbered by the server (PP-YYYY-NNNN) and published to every counter.

Numbers come from the server, not from a block leased to the counter: a plan is reference data
the server owns, nobody is handed a plan number at the counter the way a receipt is handed over,
and one central sequence keeps PP- numbers continuous. Offline, the counter shows a provisional
PP-NEW-... number until its push is taken and the feed brings the plan back numbered.
A modification carries the version it was made from: a plan changed meanwhile elsewhere is
refused (the counter parks it with the reason), so nobody's change is silently lost.
"""

import uuid
from typing import Any

from sqlalchemy import BigInteger, Connection, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from app.domain.counter_plans import (
    CANCELLED,
    PLAN_CANCELLERS,
    PLAN_MANAGERS,
    check_cancel_record,
    check_plan_record,
)
from sync.server.events import record_event
from sync.server.feed import NewChange
from sync.server.incoming import Incoming, Projected, obey, same_subject
from sync.server.records import Rejected
from sync.server.tables import consumers, installments, payment_allocations, payment_plans, users
from sync.server.tables_counter_plans import plan_number_sequences

PLAN_COLUMNS = (
    "id",
    "consumer_id",
    "plan_number",
    "created_on",
    "status",
    "total_minor",
    "down_payment_minor",
    "installment_count",
    "frequency",
    "note",
    "created_by",
    "modified_by",
    "modified_at",
    "version",
)  # fmt: skip  (the counter's payment_plans columns: what the feed carries)


def store_plan(incoming: Incoming) -> Projected:
    conn, payload = incoming.connection, incoming.payload
    cancelling = payload.get("status") == CANCELLED
    if cancelling:
        obey(check_cancel_record, payload)
    else:
        obey(check_plan_record, payload, incoming.now.date())
    plan_id = uuid.UUID(str(payload["id"]))
    same_subject(incoming, plan_id)
    consumer_id = uuid.UUID(str(payload["consumer_id"]))
    if conn.scalar(select(consumers.c.id).where(consumers.c.id == consumer_id)) is None:
        raise Rejected(f"unknown consumer {consumer_id}")
    who = str(payload.get("modified_by") or payload.get("created_by") or "")
    _require_role(conn, who, PLAN_CANCELLERS if cancelling else PLAN_MANAGERS, cancelling)
    current = conn.execute(
        select(payment_plans).where(payment_plans.c.id == plan_id).with_for_update()
    ).first()
    if current is not None and (current.data or {}).get("status") == CANCELLED:
        raise Rejected(f"plan {current.plan_number} was cancelled: it can no longer be changed")
    if cancelling:
        return _cancel(incoming, current, who)
    if current is None:
        if payload.get("base_version") is not None:
            raise Rejected("the plan to modify is not on the server")
        number = next_plan_number(conn, int(str(payload["created_on"])[:4]))
        version, removed = 1, []
        action = "plan.created"
    else:
        if current.consumer_id != consumer_id:
            raise Rejected("the plan belongs to another consumer")
        version = _check_version(current.data, payload)
        number = current.plan_number
        removed = _replace_installments(conn, plan_id, payload["installments"])
        action = "plan.modified"
    data = {name: payload.get(name) for name in PLAN_COLUMNS}
    data |= {"plan_number": number, "version": version, "status": "Active"}
    values = {"consumer_id": consumer_id, "plan_number": number, "data": data}
    conn.execute(
        insert(payment_plans)
        .values(id=plan_id, **values)
        .on_conflict_do_update(index_elements=["id"], set_=values)
    )
    changes = [NewChange("payment_plan", str(plan_id), data)]
    changes += [NewChange("installment", str(key), None, op="delete") for key in removed]
    changes += _store_installments(conn, plan_id, payload["installments"])
    record_event(
        conn, actor=who, action=action, at=incoming.now, plan_number=number,
        terminal_code=incoming.terminal.code, version=version,
    )  # fmt: skip
    return Projected(changes=changes)


def next_plan_number(conn: Connection, year: int) -> str:
    """PP-<year>-NNNN, one after the highest of the year (plans the server loaded included)."""
    loaded = conn.scalar(
        select(
            func.max(cast(func.split_part(payment_plans.c.plan_number, "-", 3), BigInteger))
        ).where(payment_plans.c.plan_number.op("~")(f"^PP-{year}-[0-9]+$"))
    )
    start = int(loaded or 0) + 1
    value = conn.scalar(
        insert(plan_number_sequences)
        .values(year=year, last_value=start)
        .on_conflict_do_update(
            index_elements=["year"],
            set_={"last_value": func.greatest(plan_number_sequences.c.last_value + 1, start)},
        )
        .returning(plan_number_sequences.c.last_value)
    )
    assert value is not None  # the upsert always returns its row
    return f"PP-{year}-{int(value):04d}"


def _cancel(incoming: Incoming, current: Any, who: str) -> Projected:
    """Only the status changes: the installments stay as the server has them (what was paid
    stays paid), and every counter stops treating the unpaid ones as due."""
    payload = incoming.payload
    if current is None:
        raise Rejected("the plan to cancel is not on the server")
    if current.consumer_id != uuid.UUID(str(payload["consumer_id"])):
        raise Rejected("the plan belongs to another consumer")
    version = _check_version(current.data, payload)
    data = {
        **current.data,
        "status": CANCELLED,
        "version": version,
        "modified_by": who,
        "modified_at": payload.get("modified_at"),
        "cancel_reason": payload["cancel_reason"],
    }
    incoming.connection.execute(
        update(payment_plans).where(payment_plans.c.id == current.id).values(data=data)
    )
    record_event(
        incoming.connection, actor=who, action="plan.cancelled", at=incoming.now,
        plan_number=current.plan_number, terminal_code=incoming.terminal.code, version=version,
        reason=payload["cancel_reason"],
    )  # fmt: skip
    return Projected(changes=[NewChange("payment_plan", str(current.id), data)])


def _require_role(conn: Connection, username: str, roles: frozenset, cancelling: bool) -> None:
    row = conn.execute(select(users.c.data).where(users.c.username == username)).first()
    role = (row.data or {}).get("role") if row is not None else None
    if role not in {r.value for r in roles}:
        verb = "cancel" if cancelling else "create or modify"
        raise Rejected(f"user {username!r} may not {verb} payment plans")


def _check_version(stored: dict[str, Any], payload: dict[str, Any]) -> int:
    have = int(stored.get("version") or 1)
    base = payload.get("base_version")
    if base is None:
        raise Rejected("the plan is already on the server: a change must say which version")
    if base != have:
        raise Rejected(
            f"the plan was changed elsewhere since (now version {have}, the change was made "
            f"to version {base}): open the plan again and redo the change"
        )
    return have + 1


def _replace_installments(
    conn: Connection, plan_id: uuid.UUID, rows: list[dict[str, Any]]
) -> list[uuid.UUID]:
    """Installments paid into must come back unchanged; the others may go. Returns the ids of
    the installments removed."""
    sent = {uuid.UUID(str(r["id"])): r for r in rows}
    paid_into = set(
        conn.scalars(
            select(payment_allocations.c.installment_id)
            .join(installments, installments.c.id == payment_allocations.c.installment_id)
            .where(installments.c.plan_id == plan_id)
        )
    )
    removed = []
    for row in conn.execute(select(installments).where(installments.c.plan_id == plan_id)):
        mine = sent.get(row.id)
        same = mine is not None and (
            mine["number"],
            mine["amount_minor"],
            str(mine["due_date"]),
        ) == (row.number, row.amount_minor, str(row.data.get("due_date")))
        if row.id in paid_into and not same:
            raise Rejected(
                f"installment {row.number} has payments (maybe taken at another counter): "
                "sync, then redo the change"
            )
        if mine is None:
            removed.append(row.id)
    if removed:
        conn.execute(delete(installments).where(installments.c.id.in_(removed)))
    return removed


def _store_installments(
    conn: Connection, plan_id: uuid.UUID, rows: list[dict[str, Any]]
) -> list[NewChange]:
    changes = []
    for row in rows:
        data = {
            "id": str(row["id"]),
            "plan_id": str(plan_id),
            "number": row["number"],
            "amount_minor": row["amount_minor"],
            "due_date": str(row["due_date"]),
        }
        values = {
            "plan_id": plan_id,
            "number": row["number"],
            "amount_minor": row["amount_minor"],
            "data": data,
        }
        taken = conn.execute(
            select(installments.c.plan_id).where(installments.c.id == uuid.UUID(data["id"]))
        ).first()
        if taken is not None and taken.plan_id != plan_id:
            raise Rejected(f"installment {data['id']} belongs to another plan")
        conn.execute(
            insert(installments)
            .values(id=uuid.UUID(data["id"]), **values)
            .on_conflict_do_update(index_elements=["id"], set_=values)
        )
        changes.append(NewChange("installment", data["id"], data))
    return changes
