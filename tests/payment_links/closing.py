"""What the payment link closing tests share: the session behind a hosted page, a link's status,
a case paid at a counter (as the central server settles a pushed counter payment)."""

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from app.db.recovery_tables_links import payment_links
from app.services.recovery_feed_settle import settle_counter_payments
from sync.server.recovery_feed_payments import CounterPayment


def session_of(hosted: str) -> str:
    return hosted.rsplit("/", 1)[1]


def link_status(engine: Engine, nonce: str) -> str:
    with engine.connect() as connection:
        query = select(payment_links.c.status).where(payment_links.c.nonce == nonce)
        return str(connection.execute(query).scalar_one())


def paid_at_counter(recovery: Engine, case_id: str, amount_minor: int) -> None:
    now = datetime.now(UTC)
    payment = CounterPayment(f"pay-{case_id}", f"C-{case_id}", amount_minor, "USD", now,
                             "R-5001", "T01")  # fmt: skip
    assert settle_counter_payments(recovery, [payment], now) == [case_id]
