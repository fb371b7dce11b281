"""What the recovery service does with a consumer's disputes: a case whose payment or bill is
disputed is never charged (its status becomes "disputed", which the claims and the engine's
ledger already leave alone); a rejected dispute gives the case back to the engine, a resolved
one stops it. `respect_holds` is the worker's hook before it decides on a case."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, or_, select, update

from app.db.recovery_claims import release
from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_disputes import recovery_disputes
from app.domain.disputes import ACTIVE, DisputeStatus, DisputeSubject
from app.services.circumstances_recovery import hold_for_review

HOLDABLE = ("open", "paused", "disputed")  # a paid, stopped or planned case stays as it is
ACTIVE_WORDS = tuple(s.value for s in ACTIVE)


@dataclass(frozen=True)
class DisputeNotice:
    """A dispute as the central server passes it on (or a single site's counter)."""

    id: str
    consumer_id: str  # the account number: the recovery consumer's id
    subject: str
    subject_number: str
    external_id: str | None  # a disputed online payment's gateway id
    status: str
    reason: str
    resolution: str | None
    version: int
    updated_at: datetime


def record_dispute(engine: Engine, notice: DisputeNotice, now: datetime) -> list[str]:
    """Keep the dispute and hold or release its cases; returns the ids of the cases it moved.
    An older version than the one kept changes nothing (notices may come twice)."""
    with engine.begin() as connection:
        kept = connection.scalar(
            select(recovery_disputes.c.version).where(recovery_disputes.c.id == notice.id)
        )
        if kept is not None and kept >= notice.version:
            return []
        values = {
            "consumer_id": notice.consumer_id, "subject": notice.subject,
            "subject_number": notice.subject_number, "external_id": notice.external_id,
            "status": notice.status, "reason": notice.reason, "resolution": notice.resolution,
            "version": notice.version, "updated_at": notice.updated_at,
        }  # fmt: skip
        if kept is None:
            connection.execute(recovery_disputes.insert().values(id=notice.id, **values))
        else:
            connection.execute(
                update(recovery_disputes).where(recovery_disputes.c.id == notice.id).values(values)
            )
        if notice.status in ACTIVE_WORDS:
            return _hold(connection, notice, now)
        return _release(connection, notice, now)


def dispute_on_case(connection: Connection, case: dict[str, Any]) -> dict[str, Any] | None:
    """The active dispute that covers this case, if any."""
    row = connection.execute(
        select(recovery_disputes)
        .where(recovery_disputes.c.status.in_(ACTIVE_WORDS), _covering(case))
        .order_by(recovery_disputes.c.updated_at)
        .limit(1)
    ).first()
    return dict(row._mapping) if row is not None else None


def respect_holds(engine: Engine, case: dict[str, Any], worker_id: str, now: datetime) -> bool:
    """Before the engine decides: True when the visit ends here - the case is disputed (no
    charge, no reminder), or its consumer's circumstances wait for a recovery executive."""
    if case["status"] != "open":
        return False
    with engine.begin() as connection:
        dispute = dispute_on_case(connection, case)
        if dispute is not None:
            _mark(connection, case["id"], dispute, now)
            release(connection, case["id"], worker_id)
            return True
    return hold_for_review(engine, case, worker_id, now)


# -- helpers ---------------------------------------------------------------------------------
def _covering(case: dict[str, Any]) -> Any:
    """A dispute on the case's own online payment, or on a bill of the case's consumer."""
    keys = [k for k in (case.get("external_id"), case.get("id")) if k]
    covers = [
        and_(
            recovery_disputes.c.subject == DisputeSubject.PAYMENT.value,
            recovery_disputes.c.external_id.in_(keys),
        )
    ]
    if (case.get("product") or "bill") == "bill":
        covers.append(
            and_(
                recovery_disputes.c.subject == DisputeSubject.BILL.value,
                recovery_disputes.c.consumer_id == case["consumer_id"],
            )
        )
    return or_(*covers)


def _cases_of(connection: Connection, notice: DisputeNotice) -> list[dict[str, Any]]:
    c = recovery_cases.c
    if notice.subject == DisputeSubject.PAYMENT.value:
        if not notice.external_id:
            return []  # a payment taken at a counter: no recovery case charges it
        where = or_(c.external_id == notice.external_id, c.id == notice.external_id)
    else:
        where = and_(c.consumer_id == notice.consumer_id, c.product == "bill")
    rows = connection.execute(select(recovery_cases).where(where, c.status.in_(HOLDABLE)))
    return [dict(r._mapping) for r in rows]


def _hold(connection: Connection, notice: DisputeNotice, now: datetime) -> list[str]:
    moved = []
    for case in _cases_of(connection, notice):
        if case["status"] != "disputed":
            _mark(connection, case["id"], {"subject_number": notice.subject_number,
                                           "reason": notice.reason}, now)  # fmt: skip
            moved.append(case["id"])
    return moved


def _release(connection: Connection, notice: DisputeNotice, now: datetime) -> list[str]:
    """Rejected: the charge stands, the engine takes the case back now. Resolved: settled for
    the consumer (an adjustment, a credit note): the case stops. A case another active dispute
    still covers stays disputed."""
    moved = []
    rejected = notice.status == DisputeStatus.REJECTED.value
    for case in _cases_of(connection, notice):
        if case["status"] != "disputed" or dispute_on_case(connection, case) is not None:
            continue
        words = "rejected: the charge stands" if rejected else "resolved for the consumer"
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == case["id"])
            .values(
                status="open" if rejected else "stopped",
                next_at=now if rejected else None,
                status_reason=f"dispute on {notice.subject_number} {words}: "
                f"{notice.resolution or ''}".strip(),
            )
        )
        _event(connection, case["id"], "dispute_" + notice.status, notice.resolution or "", now)
        moved.append(case["id"])
    return moved


def _mark(connection: Connection, case_id: str, dispute: dict[str, Any], now: datetime) -> None:
    reason = f"disputed at the counter ({dispute['subject_number']}): {dispute['reason']}"
    connection.execute(
        update(recovery_cases)
        .where(recovery_cases.c.id == case_id)
        .values(status="disputed", next_at=None, status_reason=reason[:1000])
    )
    _event(connection, case_id, "disputed", reason, now)


def _event(connection: Connection, case_id: str, kind: str, reason: str, now: datetime) -> None:
    connection.execute(
        recovery_events.insert().values(
            case_id=case_id, at=now, type=kind, amount_minor=0, detail={"reason": reason}
        )
    )
