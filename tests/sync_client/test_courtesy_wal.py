"""While a background sync runs, its WAL is written to disk and copied into the database file
by the sync's own thread after its writer let go - not inside its COMMIT (where a cashier
arriving waited for the copy) nor by the cashier's next commit (whose fsync wrote the sync's
pages) - and a cashier coming in stops the copy."""

import os
import sqlite3
import threading
import time

from sqlalchemy import text

from app.db.database import Database, open_database
from sync.client import courtesy, wal_upkeep

BLOBS = 2_000  # of 4,000 bytes: about 2,000 WAL frames, twice SQLite's autocheckpoint


def _in_background(work) -> threading.Thread:
    """Run `work` on a thread that declared itself a background sync; wait for it."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with courtesy.background():
                work()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    assert not errors, errors
    return thread


def test_the_syncs_commit_leaves_its_wal_to_the_sync_thread_after_checkin(db, monkeypatch):
    flushed_by: list[int] = []
    fdatasync = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (flushed_by.append(threading.get_ident()),
                                                     fdatasync(fd))[1])  # fmt: skip
    monkeypatch.setattr(wal_upkeep, "_last_try", 0.0)  # a checkpoint is due
    checkpoints = courtesy.stats["checkpoints"]
    seen: dict[str, int] = {}

    sync_db = open_database(db.path)  # its own Database, as the client's sync has

    def sync() -> None:
        try:
            with sync_db.unit_of_work() as uow:
                seen["autocheckpoint"] = int(
                    uow.session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one()
                )
                uow.session.execute(text("CREATE TABLE wal_test (v BLOB)"))
                uow.session.execute(
                    text(
                        "INSERT INTO wal_test SELECT randomblob(4000) FROM (WITH RECURSIVE "
                        f"n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BLOBS}) "
                        "SELECT i FROM n)"
                    )
                )
                uow.commit()
        finally:
            sync_db.close()

    size_before = os.path.getsize(db.path)
    time.sleep(courtesy.GRACE_S * 2)  # this thread's last use of the file is over: quiet
    thread = _in_background(sync)

    assert seen["autocheckpoint"] == 0  # SQLite would have checkpointed inside the COMMIT
    assert courtesy.stats["checkpoints"] == checkpoints + 1
    assert os.path.getsize(db.path) >= size_before + BLOBS * 4000  # copied into the file
    assert flushed_by and set(flushed_by) == {thread.ident}  # by the sync, not the cashier


def test_the_sync_puts_its_checkpoint_off_while_the_cashier_works_unless_overdue(
    db: Database, monkeypatch
):
    monkeypatch.setattr(wal_upkeep, "_last_try", 0.0)
    plain = sqlite3.connect(db.path, check_same_thread=False)
    outcomes: list[str | None] = []

    def tidy() -> None:  # as the sync's writer's checkin does
        outcomes.append(wal_upkeep.tidy(plain, quiet=lambda: not courtesy.foreground_busy()))

    try:
        with db.read() as uow:  # the cashier is looking something up meanwhile
            uow.session.execute(text("SELECT 1"))
            _in_background(tidy)
            assert outcomes == [None]  # put off

            monkeypatch.setattr(wal_upkeep, "_last_try", 0.0)
            monkeypatch.setattr(wal_upkeep, "_last_tidy", 0.0)

            def overdue() -> None:  # the last checkpoint TIDY_MOST_S ago (a sync had started)
                wal_upkeep._last_tidy = time.monotonic() - wal_upkeep.TIDY_MOST_S
                tidy()

            _in_background(overdue)
            assert outcomes == [None, "done"]  # overdue: done anyway
    finally:
        plain.close()


def test_a_cashier_coming_in_stops_the_syncs_checkpoint_at_once(db: Database, monkeypatch):
    """A long statement on the connection registered as checkpointing stands in for the copy
    of a large WAL (SQLite stops both the same way: sqlite3_interrupt)."""
    plain = sqlite3.connect(db.path, check_same_thread=False)
    started, outcome = threading.Event(), []

    def copying() -> None:
        monkeypatch.setattr(wal_upkeep, "_tidying", plain)
        started.set()
        began = time.monotonic()
        try:
            plain.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 1000000000) SELECT count(*) FROM n"
            ).fetchall()
            outcome.append(("finished", time.monotonic() - began))
        except sqlite3.OperationalError as error:
            outcome.append((str(error), time.monotonic() - began))

    thread = threading.Thread(target=lambda: _in_background(copying), daemon=True)
    thread.start()
    assert started.wait(30)
    time.sleep(0.2)
    with db.read() as uow:  # the cashier checks a connection out
        uow.session.execute(text("SELECT 1"))
    thread.join(30)
    plain.close()

    (what, seconds), = outcome  # fmt: skip
    assert what == "interrupted"
    assert seconds < 5  # counting to a billion takes minutes


def test_the_wal_is_written_by_path_asked_once_per_connection(tmp_path, monkeypatch):
    """Asked at every checkin of the sync's writer, the database's path was a statement each
    time; it is kept on the pool's record of the connection."""
    written: list[str] = []
    monkeypatch.setattr(
        os, "fdatasync", lambda fd: written.append(os.readlink(f"/proc/self/fd/{fd}"))
    )
    connection = sqlite3.connect(tmp_path / "counter.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (v)")
    connection.commit()
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    info: dict = {}

    for _ in range(3):
        wal_upkeep.flush(connection, info)

    assert written == [str(tmp_path / "counter.db-wal")] * 3
    assert statements == ["PRAGMA database_list"]
    connection.close()
