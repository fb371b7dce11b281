"""A payment taken at a counter for a consumer with open recovery cases: the engine stops.

Each of the consumer's open or paused cases that failed before the payment is looked at,
oldest first: the payment's money settles the cases it covers (status at_counter, nothing more
is charged); a case it covers only in part is credited that part and the engine goes on at once
with what is still owed (or, configured so, the case is paused); every other case of the
consumer is paused with the payment named in the reason, so no retry runs before a person has
looked. The case rows are locked while they change, and a charge starts only on a case still
open (app.db.recovery_claims.start_attempt), so a charge never slips in after the pause
committed. Idempotent by payment id.

A void of that payment, heard later, undoes it: a case it settled reopens (its recovered amount
goes back down, its status back to what it was) and a case it paused resumes, unless someone or
something paused it again since; a case it paid in part that was paid up since (a later payment,
the engine's charge) opens again for the voided part; each gets a `counter_payment_voided` event
on its timeline.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, select, update

from app.db.recovery_tables import recovery_cases, recovery_events
from app.domain.money import decimal_text
from app.services.recovery_webhook_events import publish_case_outcome

SETTLED = "at_counter"
EVENT = "counter_payment"
VOIDED_EVENT = "counter_payment_voided"
SETTLEABLE = ("open", "paused")
PAID_UP = (SETTLED, "paid")  # closed because the money came in
# What a case paid only in part does ($TILLDESK_RECOVERY_PART_PAYMENT on the central server).
RESUME, PAUSE = "resume", "pause"


class CounterPaymentFacts(Protocol):
    """A payment pushed by a counter, as the server read it (sync.server.recovery_feed_payments)."""

    @property
    def payment_id(self) -> str: ...
    @property
    def account_number(self) -> str: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def recorded_at(self) -> datetime: ...
    @property
    def receipt_number(self) -> str: ...
    @property
    def terminal_code(self) -> str: ...
    @property
    def voided(self) -> bool: ...


def settle_counter_payments(
    engine: Engine,
    payments: Sequence[CounterPaymentFacts],
    now: datetime,
    on_part: str = RESUME,
) -> list[str]:
    """Settle, credit or pause the cases these payments concern; returns the cases changed.

    `on_part` says what a case paid only in part does: RESUME (the engine chases the rest) or
    PAUSE (it waits for a person)."""
    if on_part not in (RESUME, PAUSE):
        raise ValueError(f"a part payment either {RESUME}s or {PAUSE}s a case, not {on_part!r}")
    changed: list[str] = []
    for payment in payments:
        with engine.begin() as connection:
            if payment.voided:
                changed += _reopen(connection, payment, now)
            else:
                changed += _settle(connection, payment, now, resume=on_part == RESUME)
    return changed


def _settle(
    connection: Connection, payment: CounterPaymentFacts, now: datetime, *, resume: bool
) -> list[str]:
    c = recovery_cases.c
    mine = (c.consumer_id == payment.account_number) & c.status.in_(SETTLEABLE)
    query = select(recovery_cases).where(mine, c.failed_at <= payment.recorded_at)
    rows = connection.execute(query.order_by(c.failed_at, c.id).with_for_update())
    cases = [dict(r._mapping) for r in rows]
    if not cases or _already_heard(connection, payment.payment_id, [k["id"] for k in cases]):
        return []
    where = f"receipt {payment.receipt_number or payment.payment_id} at counter " + (
        payment.terminal_code or "?"
    )
    left = payment.amount_minor
    for case in cases:
        owed = max(0, case["amount_minor"] - case["recovered_minor"])
        part = min(owed, left) if case["currency"] == payment.currency else 0
        left -= part
        covered = 0 < owed == part
        if covered:
            values = _settled(case, owed, where)
        elif part and resume and case["status"] == "open":
            values = _credited(case, part, where, now)
        else:  # nothing of it left for this case, another currency, a case paused already
            values = _paused(payment, where) | (_part(case, part) if part else {})
        connection.execute(update(recovery_cases).where(c.id == case["id"]).values(**values))
        detail = {"payment_id": payment.payment_id, "receipt": payment.receipt_number,
                  "terminal": payment.terminal_code, "settled": covered,
                  "reason": values["status_reason"], "was": case["status"]}  # fmt: skip
        connection.execute(recovery_events.insert().values(
            case_id=case["id"], at=now, type=EVENT, amount_minor=part, detail=detail))  # fmt: skip
        if covered:
            publish_case_outcome(connection, case["id"], SETTLED, now)
    return [k["id"] for k in cases]


def _reopen(connection: Connection, payment: CounterPaymentFacts, now: datetime) -> list[str]:
    """Undo, case by case, what the payment's `counter_payment` events say it did."""
    e, c = recovery_events.c, recovery_cases.c
    heard = connection.execute(
        select(e.case_id, e.type, e.amount_minor, e.detail)
        .join(recovery_cases, c.id == e.case_id)
        .where(c.consumer_id == payment.account_number, e.type.in_((EVENT, VOIDED_EVENT)))
        .order_by(e.id)
    ).all()
    mine = [h for h in heard if (h.detail or {}).get("payment_id") == payment.payment_id]
    if any(h.type == VOIDED_EVENT for h in mine):
        return []  # heard before: a replayed round
    done = [h for h in mine if h.type == EVENT]
    ids = [h.case_id for h in done]
    rows = connection.execute(select(recovery_cases).where(c.id.in_(ids)).with_for_update())
    cases = {r.id: dict(r._mapping) for r in rows}
    receipt = payment.receipt_number or payment.payment_id
    for event in done:
        case = cases[event.case_id]
        values = _undone(case, event.amount_minor, event.detail, receipt, now)
        if values:
            connection.execute(update(recovery_cases).where(c.id == case["id"]).values(**values))
        after = {**case, **(values or {})}
        credit_back = case["recovered_minor"] - after["recovered_minor"]
        detail = {"payment_id": payment.payment_id, "receipt": payment.receipt_number,
                  "terminal": payment.terminal_code, "was": case["status"],
                  "status": after["status"], "reason": after["status_reason"],
                  "changed": values is not None}  # fmt: skip
        connection.execute(recovery_events.insert().values(
            case_id=case["id"], at=now, type=VOIDED_EVENT,
            amount_minor=credit_back,
            detail=detail))  # fmt: skip
    return ids


def _undone(
    case: dict[str, Any], amount: int, heard: dict[str, Any], receipt: str, now: datetime
) -> dict[str, Any] | None:
    """The case's new values, or None when it stays as it is: a case no longer in the state the
    payment left it in was changed since (paused by a person, stopped, paid otherwise)."""
    before = heard.get("was") or "open"
    reopened = {"status": before, "next_at": now if before == "open" else None,
                "claimed_by": None, "claimed_until": None}  # fmt: skip
    voided = f"receipt {receipt} was voided at the counter"
    if heard.get("settled"):
        if case["status"] != SETTLED:
            return None
        back = max(0, case["recovered_minor"] - amount)
        return reopened | {
            "recovered_minor": back,
            "status_reason": f"{voided}: open again"
            if before == "open"
            else f"{voided}: {before} as it was before it",
        }
    # A part of the case paid by it is owed again, whatever became of the case since.
    owed_again = {"recovered_minor": max(0, case["recovered_minor"] - amount)} if amount else {}
    if case["status"] in PAID_UP and owed_again:
        # Settled since (a later payment, the engine's charge) with this money counted: the
        # voided part is owed again, so the case is open and chased for it, not left "paid".
        still = case["amount_minor"] - case["written_off_minor"] - owed_again["recovered_minor"]
        if still > 0:
            return owed_again | {
                "status": "open", "next_at": now, "claimed_by": None, "claimed_until": None,
                "status_reason": f"{voided}: {_money(still, case['currency'])} owed again",
            }  # fmt: skip
    if case["status"] == "open" and owed_again:
        return owed_again | {"next_at": now, "status_reason": f"{voided}: owed again"}
    if case["status"] != "paused" or case["status_reason"] != heard.get("reason"):
        return owed_again or None  # paused (or changed) since by someone or something else
    if before != "open":
        return owed_again | {"status_reason": f"{voided}; it was {before} before that payment"}
    return reopened | owed_again | {"status_reason": f"{voided}: resumed"}


def _settled(case: dict[str, Any], owed: int, where: str) -> dict[str, Any]:
    return {"status": SETTLED, "recovered_minor": case["amount_minor"], "next_at": None,
            "status_reason": f"paid {_money(owed, case['currency'])}: {where}",
            "claimed_by": None, "claimed_until": None}  # fmt: skip


def _credited(case: dict[str, Any], part: int, where: str, now: datetime) -> dict[str, Any]:
    """Paid in part: the engine goes on at once with what is still owed. The lease is cleared
    so a worker mid-visit cannot write its stale view back."""
    owed = case["amount_minor"] - case["recovered_minor"] - part
    reason = (f"paid {_money(part, case['currency'])}: {where}; "
              f"{_money(owed, case['currency'])} still owed, recovery goes on")  # fmt: skip
    return _part(case, part) | {"status_reason": reason, "next_at": now, "claimed_by": None,
                                "claimed_until": None}  # fmt: skip


def _part(case: dict[str, Any], part: int) -> dict[str, Any]:
    return {"recovered_minor": case["recovered_minor"] + part}


def _paused(payment: CounterPaymentFacts, where: str) -> dict[str, Any]:
    paid = _money(payment.amount_minor, payment.currency)
    reason = f"the consumer paid {paid} ({where}): check what is still owed before resuming"
    return {"status": "paused", "status_reason": reason, "next_at": None,
            "claimed_by": None, "claimed_until": None}  # fmt: skip


def _already_heard(connection: Connection, payment_id: str, case_ids: list[str]) -> bool:
    e = recovery_events.c
    details = connection.execute(
        select(e.detail).where(e.type == EVENT, e.case_id.in_(case_ids))
    ).scalars()
    return any((d or {}).get("payment_id") == payment_id for d in details)


def _money(minor: int, currency: str) -> str:
    return f"{decimal_text(minor, currency)} {currency}"
