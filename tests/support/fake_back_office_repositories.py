"""In-memory twins of the back-office repositories: bank reconciliation, leased numbers, stored
settings, sync issues and the reference data export."""

import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from app.db.repositories.reconciliation import BANK_DROP_WORDS
from app.db.repositories.reference_data import TABLES
from app.db.tables import (
    BankStatement,
    BankStatementLine,
    NumberBlock,
    OutboxRecord,
    Payment,
    ReconciliationMatch,
    Shift,
    ShiftCashMovement,
    SyncFlag,
)
from app.db.tables.sync_state import SyncQuarantine
from app.domain.errors import NotFound
from tests.support.fake_store import Store


class FakeReconciliationRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def statement_by_ref(self, ref: str) -> BankStatement | None:
        return next((s for s in self.store.statements if s.statement_ref == ref), None)

    def known_hashes(self, hashes: Collection[str]) -> set[str]:
        return {ln.line_hash for ln in self.store.bank_lines} & set(hashes)

    def lines(self) -> Sequence[BankStatementLine]:
        return sorted(
            self.store.bank_lines, key=lambda ln: (ln.booked_on, str(ln.statement_id), ln.line_no)
        )

    def add_statement(self, statement: BankStatement, lines: Sequence[BankStatementLine]) -> None:
        if statement not in self.store.statements:
            self.store.statements.append(statement)
        self.store.bank_lines.extend(lines)

    def matches(self, statuses: Collection[str] | None = None) -> Sequence[ReconciliationMatch]:
        found = [m for m in self.store.matches if statuses is None or m.status in statuses]
        return sorted(found, key=lambda m: m.number)

    def match_by_number(self, number: int) -> ReconciliationMatch:
        for match in self.store.matches:
            if match.number == number:
                return match
        raise NotFound(f"No reconciliation match {number}.")

    def add_match(self, match: ReconciliationMatch) -> None:
        self.store.matches.append(match)

    def remove_match(self, match: ReconciliationMatch) -> None:
        self.store.matches.remove(match)

    def save(self, match: ReconciliationMatch) -> None:
        pass  # the object is the stored row

    def next_match_number(self) -> int:
        return 1 + max((m.number for m in self.store.matches), default=0)

    def bank_drops(self, since: datetime, until: datetime) -> list[tuple[ShiftCashMovement, str]]:
        shifts = {s.id: s.number for s in self.store.shifts}
        return [
            (m, shifts[m.shift_id])
            for m in self.store.movements
            if m.direction == "out"
            and since <= m.recorded_at <= until
            and any(w in m.reason.lower() for w in BANK_DROP_WORDS)
        ]

    def closed_shifts(self, since: datetime, until: datetime) -> Sequence[Shift]:
        return [
            s
            for s in self.store.shifts
            if s.status == "closed" and s.closed_at is not None and since <= s.closed_at <= until
        ]

    def payments_of_kinds(
        self, kinds: Collection[str], since: date, until: date
    ) -> Sequence[tuple[Payment, str]]:
        accounts = {c.id: c.account_number for c in self.store.consumers}
        return [
            (p, accounts[p.consumer_id])
            for p in self.store.payments
            if p.method_kind in kinds
            and p.status == "Posted"
            and p.voided_at is None
            and since <= p.payment_date <= until
        ]

    def stuck_online(self, statuses: Collection[str], before: datetime) -> Sequence[Payment]:
        stuck = [
            p
            for p in self.store.payments
            if p.source == "online" and p.status in statuses and p.recorded_at < before
        ]
        return sorted(stuck, key=lambda p: p.recorded_at)

    def user_name(self, user_id: uuid.UUID | None) -> str:
        user = next((u for u in self.store.users if u.id == user_id), None)
        return user.full_name if user else ""


class FakeNumberingRepository:
    """Leased blocks from the store; a terminal's own sequences are the fake's next_number."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def last_value(self, terminal_id: uuid.UUID, series: str, period: str) -> int:
        return self.store.sequences.get((series, period), 0)

    def _open_blocks(self, series: str, period: str) -> list[NumberBlock]:
        return [
            b
            for b in self.store.number_blocks
            if (b.series, b.period) == (series, period) and b.next_value <= b.last_value
        ]

    def next_leased(self, series: str, period: str) -> int | None:
        blocks = sorted(self._open_blocks(series, period), key=lambda b: b.first_value)
        return blocks[0].next_value if blocks else None

    def leased_remaining(self, series: str, period: str) -> int:
        return sum(b.last_value - b.next_value + 1 for b in self._open_blocks(series, period))

    def last_block_size(self, series: str, period: str) -> int | None:
        mine = [b for b in self.store.number_blocks if (b.series, b.period) == (series, period)]
        last = max(mine, key=lambda b: (b.leased_at, b.first_value), default=None)
        return None if last is None else last.last_value - last.first_value + 1

    def block(self, block_id: uuid.UUID) -> NumberBlock | None:
        return next((b for b in self.store.number_blocks if b.id == block_id), None)

    def add_block(self, block: NumberBlock) -> None:
        self.store.number_blocks.append(block)


class FakeSettingsRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def values(self) -> dict[str, Any]:
        return dict(self.store.setting_values)

    def write(self, values: Mapping[str, Any], at: datetime) -> None:
        # Through JSON, as the real table stores them: what cannot be stored fails here too.
        self.store.setting_values.update(json.loads(json.dumps(dict(values))))


class FakeSyncIssueRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def outbox_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self.store.outbox:
            counts[entry.state] = counts.get(entry.state, 0) + 1
        return counts

    def held_records(self) -> Sequence[OutboxRecord]:
        held = [
            (seq, e) for seq, e in enumerate(self.store.outbox) if e.state in ("parked", "flagged")
        ]
        return [
            OutboxRecord(
                seq=seq,
                id=e.id,
                entity=e.entity,
                entity_id=e.entity_id,
                payload_json=json.dumps(e.payload),
                created_at=e.created_at,
                state=e.state,
                attempts=e.attempts,
                last_error=None,
                reason=e.reason,
            )
            for seq, e in reversed(held)
        ]

    def parked_ids(self) -> list[uuid.UUID]:
        return [e.id for e in self.store.outbox if e.state == "parked"]

    def send_again(self, record_ids: Sequence[uuid.UUID]) -> None:
        for entry in self.store.outbox:
            if entry.id in record_ids:
                entry.state, entry.reason = "pending", None

    def quarantined_count(self) -> int:
        return len(self.store.quarantine)

    def quarantined(self) -> Sequence[SyncQuarantine]:
        return sorted(self.store.quarantine, key=lambda q: q.last_seen_at, reverse=True)

    def save(self) -> None:
        pass

    def open_flag_count(self) -> int:
        return len(self.open_flags())

    def open_flags(self) -> Sequence[SyncFlag]:
        open_ = [f for f in self.store.sync_flags if f.resolved_at is None]
        return sorted(open_, key=lambda f: f.flagged_at, reverse=True)

    def flag(self, key: str) -> SyncFlag | None:
        return next((f for f in self.store.sync_flags if f.key == key), None)


class FakeReferenceDataRepository:
    """Users and consumers from the store; the fake keeps bills and plans as items only."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def rows(self, entity: str) -> list[dict[str, Any]]:
        kept: list[Any] = []
        if entity == "user":
            kept = list(self.store.users)
        elif entity == "consumer":
            kept = list(self.store.consumers)
        columns = TABLES[entity].__table__.columns
        return [{c.name: getattr(row, c.key) for c in columns} for row in kept]

    def settings(self) -> list[dict[str, Any]]:
        return [{"key": k, "value": v} for k, v in self.store.setting_values.items()]
