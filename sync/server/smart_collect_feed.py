"""Smart Collect views (entity "smart_collect", one per consumer with a case) and escalation
steps (entity "escalation_steps", one per case with steps) on the change feed, so a counter's
Smart Collect, Case and analytics screens work offline on the server's copy.

As for recovery cases (sync/server/recovery_feed.py) the recovery database may live elsewhere:
a publisher compares each record's signature (a digest of its inputs, one cheap query) with the
one last published (table smart_collect_feed_published) and builds and publishes only the
records that changed, so a round costs what changed. A view also depends on the date (the next
window, the bands of upcoming collections): views published more than `stale_after` ago are
rebuilt too, at most STALE_PER_ROUND per round, so a new day spreads over rounds instead of
rebuilding every consumer at once. sync.server never imports app.*: sources come in as callables.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, delete, select, text
from sqlalchemy.dialects.postgresql import insert

from sync.server.feed import NewChange, publish
from sync.server.tables_smart_collect_feed import smart_collect_feed_published as published

VIEW = "smart_collect"
STEPS = "escalation_steps"
CHUNK = 200  # records per snapshot build and per feed transaction
STALE_PER_ROUND = 200
VIEW_STALE_AFTER = timedelta(hours=20)
PUBLISH_LOCK = 7_301_011  # pg advisory lock: one publisher at a time per server database


class FeedSource(Protocol):
    def signatures(self) -> Mapping[str, str]:
        """Every record's key with the digest of what its snapshot is built from."""
        ...

    def snapshots(self, keys: Sequence[str], now: datetime) -> Mapping[str, dict[str, Any]]:
        """The feed data of these records; keys that no longer exist are left out."""
        ...


def publish_changed(
    engine: Engine,
    entity: str,
    source: FeedSource,
    now: datetime,
    *,
    only: Sequence[str] | None = None,
    stale_after: timedelta | None = None,
) -> int:
    """Publish the records of `entity` whose signature moved, the stale ones and tombstones for
    the vanished; returns how many went out. `only` limits the round to these keys."""
    current = dict(source.signatures())
    wanted = set(only) if only is not None else None
    p = published.c
    with engine.connect() as connection:
        stored = {r.key: (r.signature, r.published_at) for r in connection.execute(
            select(p.key, p.signature, p.published_at).where(p.entity == entity))}  # fmt: skip
    changed = [
        k
        for k, s in current.items()
        if (k not in stored or stored[k][0] != s) and (wanted is None or k in wanted)
    ]
    if stale_after is not None and wanted is None:
        moved = set(changed)
        old = sorted((at, k) for k, (_, at) in stored.items()
                     if k in current and k not in moved and at < now - stale_after)  # fmt: skip
        changed += [k for _, k in old[:STALE_PER_ROUND]]
    gone = sorted(k for k in stored if k not in current and (wanted is None or k in wanted))
    count = 0
    for start in range(0, len(changed), CHUNK):
        keys = sorted(changed[start : start + CHUNK])
        snapshots = source.snapshots(keys, now)
        built = [k for k in keys if k in snapshots]
        with engine.begin() as connection:
            _lock(connection)
            if built:
                statement = insert(published).values(
                    [{"entity": entity, "key": k, "signature": current[k], "published_at": now}
                     for k in built]
                )  # fmt: skip
                connection.execute(statement.on_conflict_do_update(
                    index_elements=["entity", "key"],
                    set_={"signature": statement.excluded.signature,
                          "published_at": statement.excluded.published_at}))  # fmt: skip
            publish(connection, [NewChange(entity, k, dict(snapshots[k])) for k in built], now)
        count += len(built)
    if gone:
        with engine.begin() as connection:
            _lock(connection)
            connection.execute(delete(published).where(p.entity == entity, p.key.in_(gone)))
            publish(connection, [NewChange(entity, k, None, "delete") for k in gone], now)
        count += len(gone)
    return count


def _lock(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})
