"""A first load in large pages against the real server: fewer, larger transactions (each commit
rewrote every index page its random ids touched), a server too old for them still served in
its own largest pages, a refused batch in the middle of a page leaving the right rows, totals
that match what arrives when records have history, and no compression over loopback."""

import gc
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.db.tables import Bill, Consumer
from app.db.tables.sync_state import SyncQuarantine
from app.demo.words import demo_words
from sync.client.http import ServerClient, on_this_machine
from sync.client.runner import sync_once
from sync.protocol import MAX_BULK_PULL_PAGE, MAX_PULL_PAGE
from sync.server import demo
from sync.server.db import make_engine
from sync.server.feed import NewChange
from tests.sync_client.support import LiveServer, publish_changes
from tests.sync_client.test_first_load import _new_counter


def _fill(server: LiveServer, consumers: int) -> None:
    engine = make_engine(server.db_url, pool_size=1)
    try:
        demo.load_demo(engine, consumers_wanted=consumers, words=demo_words(), workers=1)
    finally:
        engine.dispose()


def _bill(consumer_id: str, number: str) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "consumer_id": consumer_id,
        "invoice_number": number,
        "period_label": "Jan",
        "amount_minor": 1_000,
        "issued_on": "2025-01-01",
        "due_date": "2025-01-31",
    }


def test_after_its_first_page_a_first_load_takes_pages_of_the_bulk_size(server, tmp_path):
    _fill(server, 9_000)  # about 22,000 changes: three pages of 10,000, two when bulk
    db = _new_counter(tmp_path / "t07.sqlite", server)
    collector = gc.get_threshold()
    try:
        result = sync_once(db)
        with db.read() as uow:
            consumers = uow.session.scalar(select(func.count()).select_from(Consumer))
    finally:
        db.close()
    assert gc.get_threshold() == collector  # relaxed for the load only
    assert MAX_PULL_PAGE < result.pull.changes - MAX_PULL_PAGE <= MAX_BULK_PULL_PAGE
    assert result.pull.pages == 2
    assert consumers == 9_001  # the demo's and the server's own sample consumer


def test_a_bill_refused_inside_a_batch_is_quarantined_and_its_neighbours_are_loaded(
    server, tmp_path
):
    _fill(server, 50)
    engine = make_engine(server.db_url, pool_size=1)
    with engine.connect() as conn:
        consumer_id = str(conn.scalar(select(demo.consumers.c.id).limit(1)))
    engine.dispose()
    before, orphan, after = (
        _bill(consumer_id, "INV-NEXT-1"),
        _bill(str(uuid.uuid4()), "INV-ORPHAN-1"),
        _bill(consumer_id, "INV-NEXT-2"),
    )
    publish_changes(
        server.db_url, [NewChange("bill", str(b["id"]), b) for b in (before, orphan, after)]
    )
    db = _new_counter(tmp_path / "t07.sqlite", server)
    try:
        sync_once(db)
        with db.read() as uow:
            held = uow.session.scalars(select(SyncQuarantine.key)).all()
            numbers = uow.session.scalars(
                select(Bill.invoice_number).where(Bill.invoice_number.like("INV-%-_"))
            ).all()
    finally:
        db.close()
    assert held == [orphan["id"]]
    assert sorted(numbers) == ["INV-NEXT-1", "INV-NEXT-2"]


def test_totals_count_each_record_once_when_records_have_history(server, tmp_path):
    from sync.client.runner import default_client
    from sync.client.state import connection
    from sync.client.tokens import TokenStore

    _fill(server, 20)
    changed = str(uuid.uuid4())
    first = {"id": changed, "account_number": "WU-HIST-1", "name": "Old Name"}
    for name in ("Old Name", "Newer Name", "Newest Name"):  # one record, three changes
        publish_changes(server.db_url, [NewChange("consumer", changed, first | {"name": name})])
    gone = str(uuid.uuid4())
    publish_changes(server.db_url, [NewChange("consumer", gone, first | {"id": gone})])
    publish_changes(server.db_url, [NewChange("consumer", gone, None, op="delete")])
    db = _new_counter(tmp_path / "t07.sqlite", server)
    try:
        link = connection(db)
        client = default_client(link, TokenStore().load(link.server_url, link.terminal_code))
        for cursor in (0, 30):
            totals = client.pull(cursor, 1, totals=True).totals
            received: dict[str, int] = {}
            has_more = True
            while has_more:  # small pages: the rule holds across page boundaries too
                page = client.pull(cursor, 7)
                for change in page.changes:
                    received[change.entity] = received.get(change.entity, 0) + 1
                cursor, has_more = page.next_cursor, page.has_more
            assert totals == received
        client.close()
    finally:
        db.close()


@pytest.fixture
def old_server() -> Iterator[tuple[str, list[int]]]:
    """A server of the release before bulk pages: it refuses a limit above MAX_PULL_PAGE."""
    asked: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            limit = int(parse_qs(urlsplit(self.path).query)["limit"][0])
            asked.append(limit)
            if limit > MAX_PULL_PAGE:
                body, status = b'{"detail": "limit: less than or equal to 10000"}', 422
            else:
                body = (
                    b'{"epoch": "e1", "server_time": "2026-01-01T00:00:00Z", "changes": [],'
                    b' "next_cursor": 0, "has_more": false}'
                )
                status = 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_server_too_old_for_bulk_pages_is_asked_for_its_own_largest(old_server):
    url, asked = old_server
    client = ServerClient(url, token="t")
    try:
        page = client.pull(0, MAX_BULK_PULL_PAGE)
    finally:
        client.close()
    assert asked == [MAX_BULK_PULL_PAGE, MAX_PULL_PAGE]
    assert page.epoch == "e1" and page.changes == []


def test_pages_are_not_compressed_for_a_counter_beside_its_server(server, tmp_path):
    from sync.client.runner import default_client
    from sync.client.state import connection
    from sync.client.tokens import TokenStore

    _fill(server, 200)
    db = _new_counter(tmp_path / "t07.sqlite", server)
    try:
        link = connection(db)
        client = default_client(link, TokenStore().load(link.server_url, link.terminal_code))
        beside = client.session.get(f"{server.url}/v1/pull", params={"limit": 1000})
        remote = client.session.get(
            f"{server.url}/v1/pull", params={"limit": 1000}, headers={"Accept-Encoding": "gzip"}
        )
        client.close()
    finally:
        db.close()
    assert beside.status_code == remote.status_code == 200
    assert "Content-Encoding" not in beside.headers
    assert remote.headers["Content-Encoding"] == "gzip"  # what a counter elsewhere receives
    assert beside.json() == remote.json() or beside.json()["changes"] == remote.json()["changes"]
    assert on_this_machine("http://127.0.0.1:8000") and on_this_machine("https://localhost")
    assert on_this_machine("http://[::1]:9000")
    assert not on_this_machine("https://sync.example.org")
    assert not on_this_machine("http://10.0.0.5")
