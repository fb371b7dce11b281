"""The engine's ports: the world it charges and messages, and where it keeps its records."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self

from app.recovery.ledger import AttemptPermit
from app.recovery.message_ledger import MessagePermit


@dataclass(frozen=True)
class AttemptResult:
    approved: bool
    code: str
    advice_code: str


@dataclass(frozen=True)
class MessageResult:
    accepted: bool
    error: str | None


@dataclass(frozen=True)
class WorldEvent:
    case_id: str
    at: datetime
    type: str  # delivered, failed_delivery, read, paid, payment_method_updated, opted_out
    channel: str | None
    amount_minor: int


class RecoveryWorld(Protocol):
    """A payment gateway plus a message provider (or a simulated world speaking for both)."""

    def attempt(self, permit: AttemptPermit, amount_minor: int) -> AttemptResult: ...

    def message(
        self, permit: MessagePermit, *, template: str, payment_link: bool
    ) -> MessageResult: ...

    def events(self, until: datetime) -> list[WorldEvent]: ...


class RecoveryRecords(Protocol):
    """Cases, attempts, decisions, messages and events, as rows."""

    def add_cases(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def add_attempts(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def add_decisions(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def add_messages(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def add_events(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def set_statuses(self, statuses: dict[str, str]) -> None: ...

    def status_of(self, case_id: str) -> str | None: ...

    def count(self, table: str) -> int: ...


class RecoveryUnitOfWork(Protocol):
    # Read-only, so an implementation may hold a narrower records type (SqlRecoveryRecords).
    @property
    def recovery(self) -> RecoveryRecords: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...
