"""A new counter's first load at bulk speed.

A counter registering with a large server pulls a million consumers and their bills. Applied
change by change (upsert through a scratch table, the search index rewritten by a trigger for
every row, every secondary index kept up to date, a durable fsync per page) that took minutes.
While the counter's reference tables start empty, the load instead:

* inserts reference rows straight from the page, shaped a column at a time (bulk_rows; no ORM,
  no scratch table, no savepoint); a batch the database refuses (a parent not there yet, a
  malformed row) falls back to the normal apply, which quarantines exactly the bad changes;
* drops the reference tables' plain (non-unique) indexes and every insert trigger it can replay
  as one INSERT ... SELECT (the search index), then rebuilds them once at the end;
* takes pages of MAX_BULK_PULL_PAGE changes and commits each with synchronous=NORMAL: in WAL
  mode a power cut can lose the last pages, never corrupt the file, and the cursor travels with
  them, so they are simply pulled again. Large pages because each commit writes every index
  page the page's random ids touched: at a million consumers, 15 GB in pages of 10,000;
* lets Python's collector run less often (its youngest generation's threshold raised).

Measured at a million consumers (2,454,715 changes), client CPU 65 s (was 92), of it SQLite's
inserts about 19 s, the search index and indexes at the end 14 s, parsing pages 11 s.

What was dropped is written to local_state in the same transaction, so a counter killed mid-load
finishes (or restores) it at the next sync; an error restores it at once.
"""

import gc
import json
import logging
import re
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db.database import Database
from app.db.tables import Bill, Consumer, Installment, PaymentPlan, ServiceCharge
from sync.client import courtesy
from sync.client.bulk_rows import shape_of
from sync.protocol import Change

log = logging.getLogger(__name__)

LOAD_CACHE_KIB = 256 * 1024  # while loading; SQLite's default afterwards
DEFAULT_CACHE_KIB = 2000
# Pages of 50,000 changes make 100,000 objects each for the collector's youngest generation:
# at its default threshold (700) collections took half of a page's parse. Raised for the load.
LOAD_GC_YOUNGEST = 100_000
STATE_KEY = "sync.first_load"  # local_state: the DDL dropped for a first load in progress
# Parents before children (foreign keys are checked per statement).
TABLES: dict[str, Table] = {
    "consumer": Consumer.__table__,  # type: ignore[dict-item]
    "bill": Bill.__table__,  # type: ignore[dict-item]
    "service_charge": ServiceCharge.__table__,  # type: ignore[dict-item]
    "payment_plan": PaymentPlan.__table__,  # type: ignore[dict-item]
    "installment": Installment.__table__,  # type: ignore[dict-item]
}
# "INSERT INTO t (cols) VALUES (NEW.a, f(NEW.b));" - the only trigger body replayed in bulk.
_REPLAYABLE = re.compile(
    r"^CREATE\s+TRIGGER\s+(?P<name>\w+)\s+AFTER\s+INSERT\s+ON\s+(?P<table>\w+)\s+BEGIN\s+"
    r"INSERT\s+INTO\s+(?P<target>\w+)\s*\((?P<columns>[^)]*)\)\s*VALUES\s*\((?P<values>[^;]*)\)\s*;"
    r"\s*END;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_NEW = re.compile(r"\bNEW\.", re.IGNORECASE)
_RECORD = attrgetter("entity", "key")


# -- the mode: begin, resume, finish ---------------------------------------------------------
def start(db: Database, cursor: int) -> bool:
    """True when this pull runs as a bulk first load: one cut short is resumed; a new one
    starts only from cursor 0 with every reference table empty."""
    with db.read() as uow:
        resumed = uow.sync_link.local_value(STATE_KEY) is not None
        if not resumed and (cursor != 0 or not _all_empty(uow.session)):
            return False
    tune(db, synchronous="NORMAL", cache_kib=LOAD_CACHE_KIB)
    _collect_less()
    with db.unit_of_work() as uow:
        if resumed or uow.sync_link.local_value(STATE_KEY) is not None:
            return True
        dropped = _drop_for_load(uow.session.connection())
        uow.sync_link.set_local_value(STATE_KEY, json.dumps(dropped))
        uow.commit()
        log.info("first load: %s indexes and %s triggers set aside", *map(len, dropped.values()))
        return True


def finish(db: Database) -> bool:
    """Rebuild what a first load set aside (its search index filled in one statement) and
    make commits durable again; nothing to do (False) when no load is in progress."""
    try:
        with db.unit_of_work() as uow:
            held = uow.sync_link.local_value(STATE_KEY)
            connection = uow.session.connection()
            if held is not None:
                dropped = json.loads(held)
                for trigger in dropped["triggers"]:
                    connection.exec_driver_sql(trigger["fill"])
                    connection.exec_driver_sql(_if_not_exists(trigger["sql"], "TRIGGER"))
                for index in dropped["indexes"]:
                    connection.exec_driver_sql(_if_not_exists(index, "INDEX"))
                uow.sync_link.set_local_value(STATE_KEY, None)
                uow.commit()
    finally:
        _collect_as_before()
        tune(db, synchronous="FULL", cache_kib=DEFAULT_CACHE_KIB)
    return held is not None


def _all_empty(session: Session) -> bool:
    return all(
        session.scalar(select(func.count()).select_from(select(t.c.id).limit(1).subquery())) == 0
        for t in TABLES.values()
    )


def tune(db: Database, *, synchronous: str, cache_kib: int) -> None:
    """Set on the writer's connection outside any transaction (SQLite refuses synchronous
    inside one). Pages are re-pullable (the cursor commits with them): durability can wait for
    the load's end. The unique indexes on random ids outgrow SQLite's 2 MB page cache at a few
    hundred thousand rows, and every insert then reads pages back: a larger cache for the load."""
    with db.writer.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None  # a checked-out connection always has one
        driver.execute(f"PRAGMA synchronous = {synchronous}")
        driver.execute(f"PRAGMA cache_size = -{cache_kib}")


_gc_before: list[tuple[int, int, int]] = []  # the thresholds a load in progress replaced


def _collect_less() -> None:
    if not _gc_before:
        _gc_before.append(gc.get_threshold())
        youngest, *older = gc.get_threshold()
        gc.set_threshold(max(youngest, LOAD_GC_YOUNGEST), *older)


def _collect_as_before() -> None:
    if _gc_before:
        gc.set_threshold(*_gc_before.pop())


def _drop_for_load(connection: Connection) -> dict[str, list[Any]]:
    names = ", ".join(f"'{t.name}'" for t in TABLES.values())
    indexes = [
        (name, sql)
        for name, sql in connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names})"
        )
        if re.match(r"CREATE\s+INDEX", sql, re.IGNORECASE)  # unique ones keep their promise
    ]
    triggers = []
    for name, sql in connection.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({names})"
    ):
        fill = replay_statement(sql)
        if fill is not None:
            triggers.append({"name": name, "sql": sql, "fill": fill})
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    for trigger in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{trigger["name"]}"')
    return {"indexes": [sql for _, sql in indexes], "triggers": triggers}


def replay_statement(trigger_sql: str) -> str | None:
    """The INSERT ... SELECT that does for all rows at once what an AFTER INSERT trigger does
    for one; None for a trigger of any other shape (it stays and fires row by row)."""
    found = _REPLAYABLE.match(trigger_sql.strip())
    if found is None:
        return None
    table = found["table"]
    values = _NEW.sub(f"{table}.", found["values"])
    return f"INSERT INTO {found['target']} ({found['columns']}) SELECT {values} FROM {table}"


def _if_not_exists(sql: str, kind: str) -> str:
    pattern = rf"^CREATE\s+{kind}\s+(?!IF\s)"
    return re.sub(pattern, f"CREATE {kind} IF NOT EXISTS ", sql, count=1, flags=re.IGNORECASE)


# -- the rows ----------------------------------------------------------------------------------
def store(session: Session, changes: Sequence[Change]) -> tuple[list[Change], list[Change]]:
    """Insert the page's reference upserts directly; returns (stored, left for the normal
    apply: users, settings, money records, deletions, and any batch the database refused).

    No savepoint around a batch: SQLite copies every page a savepoint touches into its
    sub-journal, which doubled the load's writes (the random ids' index pages are touched all
    over). A batch refused halfway keeps the rows it inserted - each one a complete row the
    database accepted, exactly what the normal apply, which takes the whole batch next, makes
    of that change again."""
    return store_batches(
        session, changes, lambda c, entity, b: _insert(c, TABLES[entity], b), "first load",
        savepoint=False,
    )  # fmt: skip


BatchWriter = Callable[[Connection, str, Sequence[Change]], None]


def store_batches(
    session: Session,
    changes: Sequence[Change],
    write: BatchWriter,
    label: str,
    *,
    savepoint: bool = True,
) -> tuple[list[Change], list[Change]]:
    """Write each entity's reference upserts of the page with `write`, one savepoint per
    entity unless told otherwise; returns (stored, left for the normal apply). Shared by the
    first load and the catch-up (sync/client/catch_up.py), which differ in how a batch is
    written and whether a refused one must leave no trace."""
    by_entity, rest = split(changes)
    stored: list[Change] = []
    for entity in TABLES:
        batch = by_entity.get(entity)
        if not batch:
            continue
        courtesy.checkpoint()  # between two entities' batches: the cashier may go first
        try:
            if savepoint:
                with session.begin_nested():
                    write(session.connection(), entity, batch)
            else:
                write(session.connection(), entity, batch)
            stored += batch
        except (OperationalError, courtesy.GaveWay):
            raise  # a lock, a full disk, or the cashier came in: no change is at fault
        except Exception as error:  # the normal apply sorts out which change is at fault
            log.info("%s: %s %s batch left to the normal apply (%s)", label, len(batch),
                     entity, error)  # fmt: skip
            rest += batch
    return stored, rest


def split(changes: Sequence[Change]) -> tuple[dict[str, list[Change]], list[Change]]:
    """(reference upserts by entity, everything else) - the latest change of each record only,
    as the normal apply keeps it."""
    latest = dict(zip(map(_RECORD, changes), changes, strict=True))
    by_entity: dict[str, list[Change]] = {}
    rest: list[Change] = []
    for change in latest.values():
        if change.entity in TABLES and change.op == "upsert" and change.data is not None:
            by_entity.setdefault(change.entity, []).append(change)
        else:
            rest.append(change)
    return by_entity, rest


def _insert(connection: Connection, table: Table, batch: Sequence[Change]) -> None:
    shape = shape_of(table, connection.dialect)
    rows = shape.rows([change.data or {} for change in batch])
    names = shape.names
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "id")
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}",
        rows,
    )
