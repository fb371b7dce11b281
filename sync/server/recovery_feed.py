"""Recovery cases on the change feed (entity "recovery_case"), so counters see the queue, each
case's next action and its timeline offline.

The recovery database may be another database (or a SQLite file) than the server's, so nothing
can publish in the same transaction as the engine's writes. Instead a publisher compares each
case's signature with the one last published (table recovery_feed_cases) and publishes the
cases that changed. The signature is read before the snapshot: a case that changes in between is
published newer than its stored signature says, and simply goes again at the next round.
sync.server never imports app.*: the recovery side comes in as a CaseSource.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, delete, select, text
from sqlalchemy.dialects.postgresql import insert

from sync.server.feed import NewChange, publish
from sync.server.tables_recovery_feed import recovery_feed_cases

log = logging.getLogger(__name__)

ENTITY = "recovery_case"
CHUNK = 500  # cases per snapshot read and per feed transaction
PUBLISH_LOCK = 7_301_009  # pg advisory lock: one publisher at a time per server database


class CaseSource(Protocol):
    def signatures(self) -> Mapping[str, str]:
        """Every case id with the digest of what a counter shows of it."""
        ...

    def snapshots(self, case_ids: Sequence[str], now: datetime) -> Mapping[str, dict[str, Any]]:
        """The feed data of these cases; ids that no longer exist are left out."""
        ...


@dataclass(frozen=True)
class Callables:
    """A CaseSource from two plain functions (how cli/wiring hands in app.services)."""

    read_signatures: Callable[[], Mapping[str, str]]
    read_snapshots: Callable[[Sequence[str], datetime], Mapping[str, dict[str, Any]]]

    def signatures(self) -> Mapping[str, str]:
        return self.read_signatures()

    def snapshots(self, case_ids: Sequence[str], now: datetime) -> Mapping[str, dict[str, Any]]:
        return self.read_snapshots(case_ids, now)


def publish_recovery_cases(
    engine: Engine, source: CaseSource, now: datetime, *, only: Sequence[str] | None = None
) -> int:
    """Publish the cases whose signature moved (or vanished); returns how many went out.
    `only` limits the round to these case ids (a case just acted on, for instance)."""
    current = dict(source.signatures())
    with engine.connect() as connection:
        t = recovery_feed_cases.c
        stored = {
            r.case_id: r.signature for r in connection.execute(select(t.case_id, t.signature))
        }
    wanted = set(only) if only is not None else None
    changed = sorted(
        k for k, s in current.items() if stored.get(k) != s and (wanted is None or k in wanted)
    )
    gone = sorted(k for k in stored if k not in current and (wanted is None or k in wanted))
    published = 0
    for start in range(0, len(changed), CHUNK):
        ids = changed[start : start + CHUNK]
        snapshots = source.snapshots(ids, now)
        with engine.begin() as connection:
            _lock(connection)
            rows = [{"case_id": k, "signature": current[k], "published_at": now}
                    for k in ids if k in snapshots]  # fmt: skip
            if rows:
                statement = insert(recovery_feed_cases).values(rows)
                connection.execute(statement.on_conflict_do_update(
                    index_elements=["case_id"],
                    set_={"signature": statement.excluded.signature,
                          "published_at": statement.excluded.published_at}))  # fmt: skip
            publish(connection, [NewChange(ENTITY, k, dict(snapshots[k])) for k in ids
                                 if k in snapshots], now)  # fmt: skip
        published += len(rows)
    if gone:
        with engine.begin() as connection:
            _lock(connection)
            connection.execute(
                delete(recovery_feed_cases).where(recovery_feed_cases.c.case_id.in_(gone))
            )
            publish(connection, [NewChange(ENTITY, k, None, "delete") for k in gone], now)
        published += len(gone)
    return published


def _lock(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})
