"""The Recovery queue's rows from wherever this counter can read them: the recovery database
when one is configured ($TILLDESK_RECOVERY_DB, or recovery.db beside the counter's file), else
the counter's copy of the cases the server published on the sync feed (a branch, offline).
The screens ask here and do not care which it was."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.db.recovery_tables import recovery_consumers
from app.db.repositories.recovery_feed import NAMES_CHUNK, holds_cases
from app.recovery.smart_collect.priority import priority
from app.services.recovery_database import (
    BESIDE_COUNTER,
    DB_VARIABLE,
    recovery_db_url,
    shared_recovery_database,
)
from app.services.runtime import Counter

QUEUED = ("open", "paused")


@dataclass(frozen=True)
class RecoverySource:
    url: str | None  # the recovery database; None: the counter's synced copy

    @property
    def synced(self) -> bool:
        return self.url is None


def recovery_source(counter: Counter) -> RecoverySource:
    """The recovery database when one is set or beside the counter's file; else the copy.

    A recovery.db beside the counter that holds no case (another recovery screen opened at a
    branch creates an empty one) does not hide the synced cases."""
    explicit = os.environ.get(DB_VARIABLE)
    if explicit:
        return RecoverySource(recovery_db_url(explicit))
    beside = Path(counter.database.path).resolve().parent / BESIDE_COUNTER
    if not beside.exists():
        return RecoverySource(None)
    url = recovery_db_url(str(beside))
    if holds_cases(shared_recovery_database(url)) or not _synced_cases(counter):
        return RecoverySource(url)
    return RecoverySource(None)


def _synced_cases(counter: Counter) -> bool:
    with counter.read() as uow:
        return uow.recovery_feed.any_case()


@dataclass(frozen=True)
class QueueRow:
    case_id: str
    consumer_id: str
    status: str
    owed_minor: int
    currency: str
    segment: str  # high_value | standard | at_risk; "" for a closed case
    vip: bool
    next_action: str
    next_at: datetime | None
    band: str  # "" for a closed case: nothing is forecast for it
    probability: float | None
    priority: float | None
    priority_why: str
    consumer_name: str = ""  # "" where neither recovery nor this counter knows it


def load_queue(counter: Counter, now: datetime, every_case: bool) -> list[QueueRow]:
    """Open and paused cases by priority; with `every_case`, the closed ones after them."""
    source = recovery_source(counter)
    if source.url is None:
        return named(counter, synced_queue(counter, now, every_case), {})
    engine = shared_recovery_database(source.url)
    rows = database_queue(engine, now, every_case)
    return named(counter, rows, recovery_names(engine, {r.consumer_id for r in rows}))


def named(counter: Counter, rows: list[QueueRow], known: Mapping[str, str]) -> list[QueueRow]:
    """The rows with their consumers' names (see consumer_names)."""
    names = consumer_names(counter, {r.consumer_id for r in rows}, known)
    return [replace(r, consumer_name=names[r.consumer_id]) if r.consumer_id in names else r
            for r in rows]  # fmt: skip


def consumer_names(
    counter: Counter, consumer_ids: set[str], known: Mapping[str, str]
) -> dict[str, str]:
    """consumer id -> name: those `known` (the recovery database's), else what this counter
    knows of them (their Smart Collect view's, or its own consumer's)."""
    with counter.read() as uow:
        found = uow.recovery_feed.consumer_names(consumer_ids - known.keys())
    return {**found, **known}


def recovery_names(engine: Any, consumer_ids: set[str]) -> dict[str, str]:
    """consumer id -> name, for these consumers that the recovery database has a name for."""
    c, wanted, names = recovery_consumers.c, sorted(consumer_ids), {}
    with engine.connect() as connection:
        for start in range(0, len(wanted), NAMES_CHUNK):
            chunk = wanted[start : start + NAMES_CHUNK]
            query = select(c.id, c.name).where(c.id.in_(chunk), c.name != "")
            names.update({r.id: r.name for r in connection.execute(query)})
    return names


def synced_queue(counter: Counter, now: datetime, every_case: bool) -> list[QueueRow]:
    """One query over the synced cases; the priority is aged to `now` here."""
    with counter.read() as uow:
        cases = uow.recovery_feed.cases(None if every_case else QUEUED)
        rows = [_synced_row(c, now) for c in cases]
    queued = sorted((r for r in rows if r.status in QUEUED),
                    key=lambda r: (-(r.priority or 0), r.next_at or now, r.case_id))  # fmt: skip
    closed = sorted((r for r in rows if r.status not in QUEUED),
                    key=lambda r: (r.next_at is None, r.next_at or now, r.case_id))  # fmt: skip
    return queued + closed


def _synced_row(case: Any, now: datetime) -> QueueRow:
    owed = max(0, case.amount_minor - case.recovered_minor)
    if case.status not in QUEUED:
        return QueueRow(case.id, case.consumer_id, case.status, owed, case.currency, "", False,
                        case.next_action, case.next_at, "", None, None,
                        "closed: not in the queue")  # fmt: skip
    chance = case.probability if case.probability is not None else 0.0
    score = priority(case.value_band, (now - case.failed_at).total_seconds() / 86400, chance,
                     case.vip)  # fmt: skip
    return QueueRow(case.id, case.consumer_id, case.status, owed, case.currency, case.segment,
                    case.vip, case.next_action, case.next_at, case.band, case.probability,
                    score.score, score.why)  # fmt: skip


def database_queue(engine: Any, now: datetime, every_case: bool) -> list[QueueRow]:
    from app.services.recovery_cases import list_cases
    from app.services.smart_collect_queue import recovery_queue

    rows = [
        QueueRow(e.case_id, e.consumer_id, e.status, e.owed_minor, e.currency, e.segment, e.vip,
                 e.next_action, e.next_at, e.band, e.probability, e.priority, e.priority_why)
        for e in recovery_queue(engine, now)
    ]  # fmt: skip
    if every_case:
        queued = {r.case_id for r in rows}
        rows += [_closed(c) for c in list_cases(engine) if c["id"] not in queued]
    return rows


def _closed(case: dict[str, Any]) -> QueueRow:
    return QueueRow(
        case["id"], case["consumer_id"], case["status"],
        max(0, case["amount_minor"] - case["recovered_minor"]), case["currency"], "", False,
        case["status_reason"] or "", case["next_at"], "", None, None, "closed: not in the queue",
    )  # fmt: skip
