"""Counter payments reach the recovery database: every payment a counter pushed is read from the
change feed by a cursor (recovery_feed_cursors "counter_payments") and handed to `settle`, which
pauses or settles the consumer's open cases. A void reaches the server later, as the same
payment's change with status Voided: it is handed over too (`voided`), and undoes what the
payment did to the cases.

The cursor moves in the same transaction that read the payments, and only after `settle`
returned: a recovery database that is down leaves the payments for the next round, and `settle`
is idempotent by payment id, so a round replayed after a crash changes nothing twice.
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select, text
from sqlalchemy.dialects.postgresql import insert

from sync.server.tables import changes, consumers
from sync.server.tables_recovery_feed import recovery_feed_cursors

CURSOR = "counter_payments"
PAGE = 1000
SETTLE_LOCK = 7_301_010  # pg advisory lock: one round at a time per server database
SETTLING = ("Posted", "Pending")
VOIDED = "Voided"  # settles nothing, and undoes what the payment settled or paused


@dataclass(frozen=True)
class CounterPayment:
    payment_id: str
    account_number: str  # recovery cases know the consumer by it
    amount_minor: int
    currency: str
    recorded_at: datetime
    receipt_number: str
    terminal_code: str
    voided: bool = False


Settle = Callable[[Sequence[CounterPayment]], Iterable[str]]  # returns the cases it changed


def settle_counter_payments(engine: Engine, settle: Settle) -> list[str]:
    """Hand the payments pushed since the cursor to `settle`; returns the cases changed."""
    touched: list[str] = []
    while True:
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SETTLE_LOCK})
            cursor = connection.scalar(
                select(recovery_feed_cursors.c.seq).where(recovery_feed_cursors.c.name == CURSOR)
            )
            rows = connection.execute(
                select(changes.c.seq, changes.c.data)
                .where(changes.c.entity == "payment", changes.c.seq > (cursor or 0))
                .order_by(changes.c.seq)
                .limit(PAGE)
            ).all()
            if not rows:
                return touched
            found = [r.data for r in rows if _from_counter(r.data)]
            accounts = _accounts(connection, {d["consumer_id"] for d in found})
            payments = [
                CounterPayment(
                    payment_id=str(d["id"]),
                    account_number=accounts[str(d["consumer_id"])],
                    amount_minor=int(d["amount_minor"]),
                    currency=str(d["currency"]),
                    recorded_at=datetime.fromisoformat(str(d["recorded_at"])),
                    receipt_number=str(d.get("receipt_number") or ""),
                    terminal_code=str(d.get("terminal_code") or ""),
                    voided=d.get("status") == VOIDED,
                )
                for d in found
                if str(d["consumer_id"]) in accounts
            ]
            if payments:
                touched += settle(payments)
            statement = insert(recovery_feed_cursors).values(name=CURSOR, seq=rows[-1].seq)
            connection.execute(statement.on_conflict_do_update(
                index_elements=["name"], set_={"seq": statement.excluded.seq}))  # fmt: skip
        if len(rows) < PAGE:
            return touched


def _from_counter(data: dict | None) -> bool:
    return (
        data is not None
        and data.get("source") == "counter"
        and (data.get("status") in SETTLING or data.get("status") == VOIDED)
        and bool(data.get("recorded_at"))
    )


def _accounts(connection: object, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(consumers.c.id, consumers.c.account_number).where(
        consumers.c.id.in_([uuid.UUID(str(i)) for i in ids])
    )
    return {str(i): a for i, a in connection.execute(query)}  # type: ignore[attr-defined]
