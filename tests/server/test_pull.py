"""Pull: the change feed by cursor, in pages, consistent while other counters push."""

import threading
import time
import uuid
from datetime import UTC, datetime

import requests
from sqlalchemy import text

from sync.server import reference
from sync.server.db import start_new_epoch
from sync.server.feed import NewChange, publish
from tests.server.records import outcomes, payment, record


def _consumers(count: int) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "account_number": f"WU-{20000 + n}",
            "name": f"Consumer {n}",
            "service_address": f"{n} Main Street",
            "phone": None,
            "email": None,
            "timezone": "America/New_York",
            "segment": "Residential",
            "status": "Active",
            "created_at": "2024-01-01T00:00:00+00:00",
        }
        for n in range(count)
    ]


def test_pages_follow_the_cursor_until_has_more_is_false(server):
    reference.put(server.engine, {"consumer": _consumers(25)}, datetime.now(UTC))
    counter = server.register("T01")

    pages, cursor = [], 0
    while True:
        page = counter.pull(cursor, limit=10)
        pages.append(page)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break

    assert [len(p["changes"]) for p in pages] == [10, 10, 5]
    assert [p["has_more"] for p in pages] == [True, True, False]
    accounts = [c["data"]["account_number"] for p in pages for c in p["changes"]]
    assert accounts == [f"WU-{20000 + n}" for n in range(25)]
    seqs = [c["seq"] for p in pages for c in p["changes"]]
    assert seqs == sorted(set(seqs))
    assert counter.pull(cursor)["changes"] == []
    assert counter.pull(cursor)["next_cursor"] == cursor


def test_a_change_still_being_written_holds_back_every_later_one(server):
    """The feed lock: seq N+1 is never visible while N is in flight, so no cursor skips N."""
    counter = server.register("T01")
    at = datetime.now(UTC)
    slow = server.engine.connect()
    slow_tx = slow.begin()
    publish(slow, [NewChange("setting", "first", {"key": "first"})], at)  # takes seq 1, waits

    def later_writer():
        with server.engine.begin() as conn:
            publish(conn, [NewChange("setting", "second", {"key": "second"})], at)

    writer = threading.Thread(target=later_writer)
    writer.start()
    _wait_until_blocked(server)
    seen_while_in_flight = counter.pull()["changes"]
    slow_tx.commit()
    slow.close()
    writer.join(timeout=30)

    assert seen_while_in_flight == []
    assert [(c["seq"], c["key"]) for c in counter.pull()["changes"]] == [
        (1, "first"),
        (2, "second"),
    ]


def _wait_until_blocked(server) -> None:
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    for _ in range(500):
        with server.engine.connect() as conn:
            if conn.scalar(query):
                return
        time.sleep(0.01)
    raise AssertionError("the second writer never waited for the feed lock")


def test_a_counter_pulling_while_others_push_sees_every_payment_exactly_once(server, sample):
    pushers = [server.register(code) for code in ("T01", "T02", "T03")]
    reader = server.register("T04")
    per_pusher, batches = 30, 6
    done = threading.Event()
    seen: list[dict] = []
    errors: list[BaseException] = []

    def push_all(counter):
        try:
            for batch in range(batches):
                records = [payment(counter, sample, batch * 5 + n + 1, 100) for n in range(5)]
                assert outcomes(counter.push(records)) == ["stored"] * 5
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    def pull_forever():
        cursor = 0
        while True:
            finished = done.is_set()
            page = reader.pull(cursor, limit=7)
            seen.extend(page["changes"])
            cursor = page["next_cursor"]
            if finished and not page["has_more"]:
                return

    threads = [threading.Thread(target=push_all, args=(p,)) for p in pushers]
    puller = threading.Thread(target=pull_forever)
    puller.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    puller.join(timeout=120)

    assert errors == []
    receipts = [c["data"]["receipt_number"] for c in seen if c["entity"] == "payment"]
    assert len(receipts) == len(set(receipts)) == len(pushers) * per_pusher
    seqs = [c["seq"] for c in seen]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))


def test_a_deleted_reference_row_reaches_counters_as_a_tombstone(server, sample):
    counter = server.register("T01")
    cursor = counter.pull()["next_cursor"]

    removed = reference.remove(
        server.engine, "service_charge", str(sample.service_charge_id), datetime.now(UTC)
    )

    assert removed
    changes = counter.pull(cursor)["changes"]
    assert [(c["entity"], c["key"], c["op"], c["data"]) for c in changes] == [
        ("service_charge", str(sample.service_charge_id), "delete", None)
    ]


def test_a_new_epoch_is_visible_in_health_pull_and_push(server, sample):
    counter = server.register("T01")
    before = requests.get(f"{server.url}/v1/health", timeout=10).json()["epoch"]

    after = start_new_epoch(server.engine)

    assert after != before
    assert requests.get(f"{server.url}/v1/health", timeout=10).json()["epoch"] == after
    assert counter.pull()["epoch"] == after
    assert counter.push([payment(counter, sample, 1, 100)], epoch=before)["epoch"] == after


def test_every_answer_carries_the_server_time(server):
    answer = requests.get(f"{server.url}/v1/pull", timeout=10)
    assert answer.status_code == 401
    stamp = datetime.fromisoformat(answer.headers["X-Server-Time"])
    assert abs((stamp - datetime.now(UTC)).total_seconds()) < 300


def test_a_counter_loading_from_the_start_gets_each_record_once_in_its_latest_state(server, sample):
    counter = server.register("T01")
    paid = payment(counter, sample, 1, 14550)
    counter.push([paid])
    reference.put(
        server.engine, {"setting": [{"key": "currency", "value": "USD"}]}, datetime.now(UTC)
    )
    reference.put(
        server.engine, {"setting": [{"key": "currency", "value": "EUR"}]}, datetime.now(UTC)
    )
    void = {
        "payment_id": paid["entity_id"],
        "status": "Voided",
        "reason": "wrong account",
        "voided_at": "2025-04-20T15:00:00+00:00",
        "voided_by": str(uuid.uuid4()),
    }
    counter.push([record("payment_void", uuid.UUID(paid["entity_id"]), void)])

    changes = counter.pull_all()

    payments = [c["data"] for c in changes if c["entity"] == "payment"]
    settings = [c["data"] for c in changes if c["entity"] == "setting"]
    assert [(p["receipt_number"], p["status"]) for p in payments] == [("R-T01-0001", "Voided")]
    assert [(s["value"], s["version"]) for s in settings] == [("EUR", 2)]


def test_a_large_page_travels_compressed(server):
    reference.put(server.engine, {"consumer": _consumers(200)}, datetime.now(UTC))
    counter = server.register("T01")

    answer = counter.session.get(f"{server.url}/v1/pull", params={"limit": 200}, timeout=30)

    assert answer.headers["Content-Encoding"] == "gzip"
    assert len(answer.json()["changes"]) == 200
    assert int(answer.headers["Content-Length"]) < len(answer.content) / 4
