"""A consumer with a known income pattern and an open case, written into a real recovery
database for the Smart Collect feed tests, and what the server published on its feed."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select

from app.db.recovery_tables_smart_collect import recovery_escalations
from sync.server.db import make_engine
from sync.server.tables import changes
from sync.simulation.behaviour import PaySchedule
from tests.smart_collect.histories import credits
from tests.smart_collect.rows import add_case, add_consumer, add_credits, paid_history

CONSUMER = "SC-C1"
CASE = "SC-1"


def payday_ahead(today: date) -> int:
    """A payday of the month far enough ahead that the optimal window is not tomorrow."""
    day = (today + timedelta(days=12)).day
    return day if day <= 28 else 5


def salaried_consumer(recovery: Engine, now: datetime) -> int:
    """SC-C1, paid monthly, with four earlier cases paid at once and an open case due
    tomorrow (outside their window); returns their payday."""
    payday = payday_ahead(now.date())
    add_consumer(recovery, CONSUMER)
    schedule = PaySchedule("monthly", day=payday)
    add_credits(recovery, CONSUMER, credits(schedule, now.date() - timedelta(days=365), 365), now)
    paid_history(recovery, CONSUMER, now - timedelta(days=150), 4)
    add_case(recovery, CASE, CONSUMER, now - timedelta(days=1), amount_minor=130_000,
             next_at=now + timedelta(days=1))  # fmt: skip
    return payday


def open_step(recovery: Engine, case_id: str, now: datetime, owner: str = "Ann Lee") -> None:
    with recovery.begin() as connection:
        connection.execute(recovery_escalations.insert().values(
            case_id=case_id, rule="vip_second_failure", action="call the consumer",
            owner=owner, why="VIP, high value, second failure", opened_at=now,
            due_at=now + timedelta(hours=4), state="open",
        ))  # fmt: skip


def feed_entities(db_url: str, after: int = 0) -> Counter[str]:
    """How many changes of each entity the server's feed holds after seq `after`."""
    engine = make_engine(db_url, pool_size=1)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(changes.c.entity, func.count()).where(changes.c.seq > after)
                .group_by(changes.c.entity)
            )  # fmt: skip
            return Counter({entity: n for entity, n in rows})
    finally:
        engine.dispose()


def head(db_url: str) -> int:
    engine = make_engine(db_url, pool_size=1)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.coalesce(func.max(changes.c.seq), 0))) or 0
    finally:
        engine.dispose()


def now_utc() -> datetime:
    return datetime.now(UTC)
