"""Nothing lost, nothing doubled: counters offline, the server killed with SIGKILL mid-push,
an answer lost after the server committed, a counter killed mid-pull."""

import contextlib
import random
import signal
import subprocess
import threading
import time
from collections import Counter as Tally

import pytest
from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import Consumer, SyncState
from sync.client.errors import ServerUnavailable
from sync.server.feed import NewChange
from tests.e2e_sync.proxy import LossyProxy
from tests.support.e2e_sync import ROOT, TILLDESK, local_payments, unsent
from tests.sync_client.support import LiveServer, new_counter, pay, publish_changes, sync

ITEMS = ("INV-2025-001234", "INV-2025-001567")


def assert_server_holds_exactly(server, counters: list[Database]) -> None:
    expected: dict[str, int] = {}
    for db in counters:
        expected.update(local_payments(db))
    rows = server.query("SELECT receipt_number, amount_minor FROM payments")
    receipts = Tally(r[0] for r in rows)
    assert receipts and max(receipts.values()) == 1  # nothing doubled
    assert dict((r[0], r[1]) for r in rows) == expected  # nothing lost, amounts intact
    assert sum(r[1] for r in rows) == sum(expected.values())
    received = server.query("SELECT count(*), count(DISTINCT id) FROM received_records")[0]
    assert received[0] == received[1]
    for db in counters:
        assert unsent(db) == 0


def test_counters_offline_then_the_server_killed_mid_push_lose_and_double_nothing(
    server_process, tmp_path
):
    counters = [
        new_counter(tmp_path / f"{c}.sqlite", c, server_process.url) for c in ("T01", "T02")
    ]
    server_process.kill()
    for i in range(30):
        for n, db in enumerate(counters):
            pay(db, ITEMS[(i + n) % 2], f"{1 + (i % 3)}.{n}0")
    for db in counters:
        with pytest.raises(ServerUnavailable):
            sync(db)

    rng = random.Random(6)
    for _ in range(4):
        server_process.start()
        threads = [threading.Thread(target=_sync_quietly, args=(db,)) for db in counters]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.0, 0.6))
        server_process.kill()  # SIGKILL, wherever the pushes are
        for thread in threads:
            thread.join(timeout=120)
    server_process.start()
    for db in counters:
        sync(db)
    assert_server_holds_exactly(server_process, counters)
    numbers = [n for db in counters for n in local_payments(db)]
    assert len(set(numbers)) == len(numbers) == 60
    for db in counters:
        db.close()


def _sync_quietly(db: Database) -> None:
    with contextlib.suppress(ServerUnavailable):
        sync(db)


def test_an_answer_lost_after_the_server_committed_is_not_stored_twice(
    seeded_server_db, child_env, tmp_path
):
    live = LiveServer(seeded_server_db)
    live.start()
    try:
        with LossyProxy(live.url) as proxy:
            db = new_counter(tmp_path / "T01.sqlite", "T01", proxy.url)
            for i in range(5):
                pay(db, ITEMS[i % 2], "3.00")
            proxy.drop_push_answers = 1
            with pytest.raises(ServerUnavailable):
                sync(db)
            assert proxy.dropped == 1
            assert unsent(db) > 0  # the counter cannot know the server has them
            assert len(live.query("SELECT id FROM payments")) == 5  # ...but it has
            sync(db)
            assert_server_holds_exactly(live, [db])
            db.close()
    finally:
        live.stop()


def test_a_counter_killed_mid_pull_resumes_where_its_last_page_ended(
    seeded_server_db, child_env, tmp_path
):
    live = LiveServer(seeded_server_db)
    live.start()
    try:
        db = new_counter(tmp_path / "T01.sqlite", "T01", live.url)
        db.close()
        publish_changes(seeded_server_db, [_consumer(i) for i in range(25_000)])
        env = {**child_env, "TILLDESK_DB": str(tmp_path / "T01.sqlite")}
        child = subprocess.Popen([*TILLDESK, "sync", "--once"], env=env, cwd=ROOT)
        time.sleep(random.Random(3).uniform(2.0, 4.0))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

        from app.db.database import open_database

        db = open_database(tmp_path / "T01.sqlite")
        cursor, count = _cursor_and_consumers(db)
        head = live.query("SELECT max(seq) FROM changes")[0][0]
        first_consumer_seq = live.query(
            "SELECT min(seq) FROM changes WHERE key = :k", k=_consumer(0).key
        )[0][0]
        # Every applied page came with its cursor: consumers present = those at or below it.
        assert count == 1 + max(0, min(cursor, head) - first_consumer_seq + 1)
        sync(db)
        cursor, count = _cursor_and_consumers(db)
        assert (cursor, count) == (head, 25_001)
        db.close()
    finally:
        live.stop()


def _consumer(i: int) -> NewChange:
    key = f"00000000-0000-7000-8000-{i:012d}"
    return NewChange(
        "consumer",
        key,
        {
            "id": key,
            "account_number": f"WU-9{i:06d}",
            "name": f"Bulk Consumer {i}",
            "service_address": f"{i} Long Road",
            "timezone": "America/New_York",
            "created_at": "2025-01-01T00:00:00+00:00",
        },
    )


def _cursor_and_consumers(db: Database) -> tuple[int, int]:
    with db.read() as uow:
        cursor = uow.session.get(SyncState, 1).cursor
        count = uow.session.scalar(select(func.count()).select_from(Consumer))
        return cursor, count
