"""A recovery database with one declined case, and a worker driven on a virtual clock."""

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from app.db.recovery_tables import recovery_attempts, recovery_cases, recovery_messages
from app.recovery.code_tables import load_decline_codes
from app.services.recovery_messenger import RecoveryMessenger
from app.services.recovery_run import ChargeOutcome, ChargeRequest, Worker
from app.services.smart_collect_segments import set_config
from tests.messaging.helpers import add_case, add_consumer, fakes, recovery_db

SEGMENTS = ("high_value", "standard", "at_risk")
FAILED_AT = datetime(2026, 1, 7, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York


class Declines:
    """A gateway whose every charge is declined for funds: the case stays open for the test."""

    def __init__(self) -> None:
        self.charges: list[ChargeRequest] = []

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        self.charges.append(request)
        return ChargeOutcome(False, "insufficient_funds", "", request.idempotency_key)

    def lookup(self, request: ChargeRequest) -> ChargeOutcome | None:
        return None


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Drive:
    engine: Engine
    clock: Clock
    channels: dict[str, Any]
    gateway: Declines = field(default_factory=Declines)
    render: Any = None  # the messenger's renderer; None: plain text

    def worker(self, policy: str = "smart") -> Worker:
        messenger = RecoveryMessenger(
            self.engine, self.channels, render=self.render, clock=self.clock
        )
        return Worker(engine=self.engine, gateway=self.gateway, messenger=messenger,
                      codes=load_decline_codes(), clock=self.clock, worker_id="w1",
                      policy=policy)  # fmt: skip

    def run_until(self, end: datetime, policy: str = "smart") -> None:
        """Visit every due case, then jump to the next due time, until `end`."""
        worker = self.worker(policy)
        for _ in range(200):
            worker.run(threading.Event(), once=True)
            with self.engine.connect() as connection:
                due = (
                    connection.execute(
                        select(recovery_cases.c.next_at)
                        .where(
                            recovery_cases.c.status == "open", recovery_cases.c.next_at.is_not(None)
                        )
                        .order_by(recovery_cases.c.next_at)
                    )
                    .scalars()
                    .first()
                )
            if due is None or due > end:
                return
            self.clock.now = max(due, self.clock.now + timedelta(minutes=1))


def one_case(tmp_path: Path, **case: Any) -> Drive:
    tmp_path.mkdir(parents=True, exist_ok=True)
    engine = recovery_db(tmp_path)
    add_consumer(engine, "C1", phone="+12125550123", country="US", subdivision="NY",
                 timezone="America/New_York")  # fmt: skip
    add_case(engine, "K1", "C1", failed_at=FAILED_AT, next_at=FAILED_AT, **case)
    return Drive(engine, Clock(FAILED_AT), fakes())


def configure(engine: Engine, segments: tuple[str, ...] = SEGMENTS, **settings: Any) -> None:
    """A billing manager's edit of these segments (all by default: a case moves between
    segments as its failures add up, e.g. from standard to at_risk)."""
    for segment in segments:
        set_config(engine, segment, settings, "mbrown", FAILED_AT - timedelta(days=1))


def attempts_at(engine: Engine) -> list[datetime]:
    with engine.connect() as connection:
        query = select(recovery_attempts.c.at).order_by(recovery_attempts.c.at)
        return list(connection.execute(query).scalars())


def messages(engine: Engine) -> list[tuple[datetime, str]]:
    with engine.connect() as connection:
        query = select(recovery_messages.c.at, recovery_messages.c.channel).where(
            recovery_messages.c.accepted.is_(True)
        )
        return sorted((at, channel) for at, channel in connection.execute(query))
