"""Fakes for the recovery engine's ports: a scripted world and in-memory records."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.recovery.history import PastAttempt
from app.recovery.ledger import AttemptPermit
from app.recovery.message_ledger import MessagePermit
from app.recovery.ports import AttemptResult, MessageResult, WorldEvent
from app.services.recovery_portfolio import CaseRow, Consumer, Portfolio

START = datetime(2027, 1, 4, tzinfo=UTC)


class FakeRecords:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {
            t: [] for t in ("cases", "attempts", "decisions", "messages", "events")
        }
        self.statuses: dict[str, str] = {}

    def add_cases(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows["cases"] += rows

    def add_attempts(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows["attempts"] += rows

    def add_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows["decisions"] += rows

    def add_messages(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows["messages"] += rows

    def add_events(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows["events"] += rows

    def set_statuses(self, statuses: dict[str, str]) -> None:
        self.statuses.update(statuses)

    def status_of(self, case_id: str) -> str | None:
        known = any(row["id"] == case_id for row in self.rows["cases"])
        return self.statuses.get(case_id, "open") if known else None

    def count(self, table: str) -> int:
        return len(self.rows[table])


class FakeUnitOfWork:
    def __init__(self, records: FakeRecords) -> None:
        self.recovery = records
        self.commits = 0

    def __enter__(self) -> "FakeUnitOfWork":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        self.commits += 1


@dataclass
class FakeWorld:
    """Declines everything unless `approve` says otherwise; checks time only moves forward."""

    approve: Callable[[str, datetime], bool] = lambda case_id, at: False
    decline_code: str = "202"
    scripted_events: list[WorldEvent] = field(default_factory=list)
    attempts: list[tuple[str, datetime, int]] = field(default_factory=list)
    messages: list[tuple[str, datetime, str, bool, bool]] = field(default_factory=list)
    clock: datetime | None = None
    responder: Callable[[str, datetime], AttemptResult] | None = None

    def _tick(self, at: datetime) -> None:
        assert self.clock is None or at >= self.clock, f"time went back to {at}"
        self.clock = at

    def attempt(self, permit: AttemptPermit, amount_minor: int) -> AttemptResult:
        self._tick(permit.at)
        self.attempts.append((permit.case_id, permit.at, amount_minor))
        if self.responder is not None:
            return self.responder(permit.case_id, permit.at)
        if self.approve(permit.case_id, permit.at):
            return AttemptResult(True, "100", "")
        return AttemptResult(False, self.decline_code, "")

    def message(self, permit: MessagePermit, *, template: str, payment_link: bool) -> MessageResult:
        self._tick(permit.at)
        self.messages.append((permit.case_id, permit.at, template, payment_link, permit.urgent))
        return MessageResult(True, None)

    def events(self, until: datetime) -> list[WorldEvent]:
        self._tick(until)
        due = [e for e in self.scripted_events if e.at <= until]
        self.scripted_events = [e for e in self.scripted_events if e.at > until]
        return due


def consumer(consumer_id: str = "C1", **overrides: Any) -> Consumer:
    values = dict(
        consumer_id=consumer_id,
        email=f"{consumer_id}@example.com",
        phone="",
        country="US",
        subdivision="NY",
        timezone="America/New_York",
        language="en-US",
        vip=False,
    )
    return Consumer(**{**values, **overrides})


def case(case_id: str = "K1", consumer_id: str = "C1", **overrides: Any) -> CaseRow:
    values = dict(
        case_id=case_id,
        consumer_id=consumer_id,
        amount_minor=5_000,
        currency="USD",
        method="card",
        gateway="nmi",
        network="visa",
        card_type="debit",
        failed_at=START - timedelta(hours=2),
        code="202",
        advice_code="",
        product="bill",
        due_date=date(2027, 1, 3),
    )
    return CaseRow(**{**values, **overrides})


def portfolio(
    cases: list[CaseRow],
    consumers: list[Consumer] | None = None,
    history: list[PastAttempt] | None = None,
) -> Portfolio:
    people = consumers or [consumer(c.consumer_id) for c in cases]
    return Portfolio({p.consumer_id: p for p in people}, history or [], [], cases)
