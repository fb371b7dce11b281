"""A hard-declined case is asked for a new payment method at most `max_link_messages` times over
its whole life, not again every week (real SQLite recovery database, real worker visits on a
virtual clock)."""

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.db.recovery_tables import recovery_cases, recovery_messages
from app.recovery.code_tables import load_decline_codes
from app.recovery.policies.smart import SmartPolicy
from app.services.recovery_database import open_recovery_database
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer
from app.services.recovery_run import Worker
from sync.recovery.gateway import LoggingMessenger
from tests.support.recovery_gateways import RecordingGateway

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _expired_card_case(engine) -> None:
    save_consumers(engine, [Consumer("C001", "c1@example.com", "", "US", "NY", "", "en", False)])
    row = CaseRow(
        case_id="K001", consumer_id="C001", amount_minor=5_000, currency="USD", method="card",
        gateway="nmi", network="visa", card_type="debit", failed_at=START - timedelta(hours=2),
        code="223", advice_code="", product="bill", due_date=None,
    )  # fmt: skip
    intake(engine, "test", [Failure(row, "vault-001")])


def _next_at(engine) -> datetime | None:
    with engine.connect() as connection:
        at = connection.scalar(select(recovery_cases.c.next_at))
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _payment_links(engine) -> list[datetime]:
    with engine.connect() as connection:
        query = select(recovery_messages.c.at).where(recovery_messages.c.payment_link.is_(True))
        return list(connection.scalars(query.order_by(recovery_messages.c.at)))


def test_an_expired_card_gets_two_new_method_requests_in_sixty_days_not_one_a_week(
    tmp_path: Path,
) -> None:
    engine = open_recovery_database(f"sqlite:///{tmp_path / 'recovery.sqlite'}")
    _expired_card_case(engine)
    now = START
    gateway = RecordingGateway()
    while now < START + timedelta(days=60):
        Worker(
            engine=engine, gateway=gateway, messenger=LoggingMessenger(),
            codes=load_decline_codes(), clock=lambda at=now: at, worker_id="w1", policy="smart",
        ).run(threading.Event(), once=True)  # fmt: skip
        following = _next_at(engine)
        assert following is not None
        now = max(following, now + timedelta(minutes=1))

    links = _payment_links(engine)
    assert len(links) == SmartPolicy.max_link_messages  # two asks, then it waits for the consumer
    assert gateway.charged == []  # an expired card is never retried
