"""Pushed disputes and consumers' special circumstances: checked with the same rules the counter
applies (app.domain.disputes), tied to the server's own consumer, payment and bill, moved only
along the allowed status path, and published on the feed for the other counters.

Versions: every change at a counter raises the record's version. The server keeps the highest;
a change made from an older version (two counters edited the same dispute offline) is refused,
so the counter that lost shows it parked with the reason instead of silently overwriting."""

import uuid
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert

from app.domain.disputes import (
    CLOSED,
    DisputeStatus,
    allowed_move,
    check_circumstances,
    check_dispute,
)
from app.domain.roles import PERMISSIONS, Role
from sync.server.feed import NewChange
from sync.server.incoming import Incoming, Projected, obey, same_subject
from sync.server.records import AlreadyStored, Rejected
from sync.server.tables import bills, consumers, payments, users
from sync.server.tables_disputes import consumer_circumstances, disputes


def store_dispute(incoming: Incoming) -> Projected:
    conn, data = incoming.connection, dict(incoming.payload)
    obey(check_dispute, data, now=incoming.now)
    dispute_id = uuid.UUID(data["id"])
    same_subject(incoming, dispute_id)
    account = _consumer_account(conn, uuid.UUID(data["consumer_id"]))
    external_id = _subject_of(conn, data)
    status = data["status"]
    stored = conn.execute(
        select(disputes.c.status, disputes.c.version, disputes.c.data)
        .where(disputes.c.id == dispute_id)
        .with_for_update()
    ).first()
    if stored is not None:
        _require_newer(stored.version, stored.data, data, "dispute")
        if not allowed_move(stored.status, status):
            raise Rejected(
                f"the dispute is {stored.status} on the server: it cannot become {status}"
            )
    if DisputeStatus(status) in CLOSED and (stored is None or stored.status != status):
        _require_may_settle(conn, data["updated_by"])
    data["account_number"] = account
    values = {
        "consumer_id": uuid.UUID(data["consumer_id"]), "account_number": account,
        "subject": data["subject"], "subject_number": data["subject_number"],
        "external_id": external_id, "status": status, "version": data["version"],
        "data": data, "updated_at": incoming.now,
    }  # fmt: skip
    if stored is None:
        conn.execute(insert(disputes).values(id=dispute_id, **values))
    else:
        conn.execute(update(disputes).where(disputes.c.id == dispute_id).values(**values))
    return Projected(changes=[NewChange("dispute", str(dispute_id), data)])


def store_circumstances(incoming: Incoming) -> Projected:
    conn, data = incoming.connection, dict(incoming.payload)
    obey(check_circumstances, data, now=incoming.now)
    consumer_id = uuid.UUID(data["consumer_id"])
    same_subject(incoming, consumer_id)
    account = _consumer_account(conn, consumer_id)
    stored = conn.execute(
        select(consumer_circumstances.c.version, consumer_circumstances.c.data)
        .where(consumer_circumstances.c.consumer_id == consumer_id)
        .with_for_update()
    ).first()
    if stored is not None:
        _require_newer(stored.version, stored.data, data, "consumer's circumstances")
    data["account_number"] = account
    conn.execute(
        insert(consumer_circumstances)
        .values(
            consumer_id=consumer_id,
            account_number=account,
            version=data["version"],
            data=data,
            updated_at=incoming.now,
        )
        .on_conflict_do_update(
            index_elements=["consumer_id"],
            set_={"version": data["version"], "data": data, "updated_at": incoming.now},
        )
    )
    return Projected(changes=[NewChange("consumer_circumstances", str(consumer_id), data)])


def _consumer_account(conn: Connection, consumer_id: uuid.UUID) -> str:
    account = conn.scalar(select(consumers.c.account_number).where(consumers.c.id == consumer_id))
    if account is None:
        raise Rejected(f"unknown consumer {consumer_id}")
    return str(account)


def _subject_of(conn: Connection, data: dict[str, Any]) -> str | None:
    """The payment or bill must be the consumer's when the server holds it (a payment still on
    its way from another counter is taken on trust); an online payment's gateway id is kept:
    it is the key of the payment's recovery case."""
    consumer_id = uuid.UUID(data["consumer_id"])
    if data.get("payment_id"):
        row = conn.execute(
            select(payments.c.consumer_id, payments.c.external_id).where(
                payments.c.id == uuid.UUID(data["payment_id"])
            )
        ).first()
        if row is not None and row.consumer_id not in (None, consumer_id):
            raise Rejected(f"payment {data['subject_number']} is another consumer's")
        return row.external_id if row is not None else None
    owner = conn.scalar(select(bills.c.consumer_id).where(bills.c.id == uuid.UUID(data["bill_id"])))
    if owner is not None and owner != consumer_id:
        raise Rejected(f"bill {data['subject_number']} is another consumer's")
    return None


def _require_newer(version: int, stored: dict[str, Any], data: dict[str, Any], what: str) -> None:
    if version < data["version"]:
        return
    if version == data["version"] and {**stored, "account_number": None} == {
        **data,
        "account_number": None,
    }:
        raise AlreadyStored(same=True)
    raise Rejected(
        f"the {what} was changed at another counter first (version {version} is stored): "
        "open it again and make the change once more"
    )


def _require_may_settle(conn: Connection, username: str) -> None:
    """Resolving or rejecting is for a recovery executive or a supervisor, as on the counter."""
    data = conn.scalar(select(users.c.data).where(users.c.username == username))
    if data is None:
        raise Rejected(
            f"user {username} is not known to the server: only its staff settle disputes"
        )
    try:
        role = Role(str(data.get("role", "")))
    except ValueError:
        raise Rejected(f"user {username} has no role that may settle disputes") from None
    if role not in PERMISSIONS["settle_dispute"]:
        raise Rejected(f"a {role.label.lower()} may not resolve or reject disputes")
