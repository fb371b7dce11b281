"""A counter far behind the feed catches up through the bulk merge (sync.client.catch_up):
it ends with exactly the rows the change-by-change apply gives - new and changed consumers,
a renamed consumer found by the new name, a number held here by another id left alone, a
deleted consumer never arriving, a bill it cannot take quarantined - and a catch-up cut short
resumes where it stopped, with durable commits afterwards."""

import uuid

import pytest
from sqlalchemy import select

from app.db.database import Database, open_database
from app.db.tables import Bill, Consumer, Installment, Payment, PaymentPlan, ServiceCharge
from app.db.tables.sync_state import SyncQuarantine
from app.demo.bench_offline import add_offline_payments
from app.demo.words import demo_words
from app.services.consumers import search_consumers
from cli.sync_bench import give_server
from sync.client import catch_up, state
from sync.client.errors import ServerUnavailable
from sync.client.http import ServerClient
from sync.client.pull import pull_all
from sync.client.push import push_all
from sync.client.runner import default_client, sync_once
from sync.client.tokens import TokenStore
from sync.server import demo
from sync.server.db import make_engine
from sync.server.feed import NewChange
from tests.sync_client.support import publish_changes

DEMO_CONSUMERS = 600  # about 1,500 changes: "far behind" is lowered to 100 for the test
TABLES = (Consumer, Bill, ServiceCharge, PaymentPlan, Installment)


def _fall_behind(server) -> tuple[str, str]:
    """Demo consumers and bills, John Doe renamed, his number under another id, a demo
    consumer deleted and a bill for a consumer nobody has: returns the orphan bill's id and
    the deleted consumer's."""
    engine = make_engine(server.db_url, pool_size=1)
    try:
        demo.load_demo(engine, consumers_wanted=DEMO_CONSUMERS, words=demo_words(), workers=1)
    finally:
        engine.dispose()
    [(john,)] = server.query("SELECT data FROM consumers WHERE account_number = 'WU-10001'")
    [(gone,)] = server.query(
        "SELECT id::text FROM consumers WHERE account_number <> 'WU-10001' ORDER BY id LIMIT 1"
    )
    impostor = str(uuid.uuid4())
    orphan = str(uuid.uuid4())
    bill = {
        "id": orphan,
        "consumer_id": str(uuid.uuid4()),
        "invoice_number": "INV-ORPHAN-9",
        "period_label": "Jan",
        "amount_minor": 1_000,
        "issued_on": "2025-01-01",
        "due_date": "2025-01-31",
    }
    publish_changes(
        server.db_url,
        [
            NewChange("consumer", john["id"], {**john, "name": "Johnathan Doe-Smith"}),
            NewChange("consumer", impostor, {**john, "id": impostor, "name": "Impostor"}),
            NewChange("consumer", gone, None, op="delete"),
            NewChange("bill", orphan, bill),
        ],
    )
    return orphan, gone


def _rows(db: Database) -> dict[str, list[tuple]]:
    with db.read() as uow:
        return {
            table.__tablename__: [
                tuple(row)
                for row in uow.session.execute(
                    select(*table.__table__.columns).order_by(table.__table__.c.id)
                )
            ]
            for table in TABLES
        }


def _quarantined(db: Database) -> list[str]:
    with db.read() as uow:
        return list(uow.session.scalars(select(SyncQuarantine.key)))


def _synchronous(db: Database) -> int:
    with db.writer.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA synchronous").scalar())


@pytest.fixture
def merged(monkeypatch):
    """Counts the changes the catch-up merge stored (to know which path a sync took)."""
    seen: list[int] = []
    real = catch_up.store

    def store(session, changes):
        stored, rest = real(session, changes)
        seen.append(len(stored))
        return stored, rest

    monkeypatch.setattr(catch_up, "store", store)
    return seen


def test_catching_up_in_bulk_gives_the_rows_the_normal_apply_gives(
    counters, server, monkeypatch, merged
):
    fast, slow = counters("T01"), counters("T02")
    orphan, gone = _fall_behind(server)

    monkeypatch.setattr(catch_up, "CATCH_UP_FROM", 100)
    sync_once(fast, page_size=400)
    bulk_stored = sum(merged)
    monkeypatch.setattr(catch_up, "CATCH_UP_FROM", 10**9)
    sync_once(slow, page_size=400)

    assert bulk_stored > DEMO_CONSUMERS and sum(merged) == bulk_stored  # only T01 merged
    assert _rows(fast) == _rows(slow)
    assert orphan in _quarantined(fast)
    assert sorted(_quarantined(fast)) == sorted(_quarantined(slow))
    for db in (fast, slow):
        assert [h.name for h in search_consumers(db.read(), "WU-10001")] == ["Johnathan Doe-Smith"]
        assert "WU-10001" in {h.account_number for h in search_consumers(db.read(), "Smith")}
        assert _synchronous(db) == 2  # FULL again after the catch-up
    with fast.read() as uow:  # deleted before it ever reached the counter
        assert uow.session.get(Consumer, uuid.UUID(gone)) is None


def test_a_catch_up_cut_short_resumes_and_ends_with_the_same_rows(
    counters, server, monkeypatch, merged
):
    fast, slow = counters("T01"), counters("T02")
    _fall_behind(server)
    monkeypatch.setattr(catch_up, "CATCH_UP_FROM", 100)
    real_pull = ServerClient.pull_body
    calls = {"n": 0}

    def dies_on_the_fourth_page(self, cursor, limit, *, totals=False):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ServerUnavailable("the network went away")
        return real_pull(self, cursor, limit, totals=totals)

    monkeypatch.setattr(ServerClient, "pull_body", dies_on_the_fourth_page)
    with pytest.raises(ServerUnavailable):
        sync_once(fast, page_size=200)
    halfway = _rows(fast)["consumers"]
    durable_after_failure = _synchronous(fast)
    monkeypatch.setattr(ServerClient, "pull_body", real_pull)

    sync_once(fast, page_size=200)
    monkeypatch.setattr(catch_up, "CATCH_UP_FROM", 10**9)
    sync_once(slow, page_size=200)

    assert 0 < len(halfway) < len(_rows(fast)["consumers"])  # pages before the cut stayed
    assert durable_after_failure == 2
    assert _rows(fast) == _rows(slow)


def _client(db: Database) -> ServerClient:
    link = state.connection(db)
    return default_client(link, TokenStore().load(link.server_url, link.terminal_code) or "")


def _payments(db: Database) -> list[tuple]:
    with db.read() as uow:
        table = Payment.__table__
        return [tuple(r) for r in uow.session.execute(select(table).order_by(table.c.id))]


def test_our_payments_echoed_back_unchanged_are_left_and_a_settlement_still_lands(
    counters, server, tmp_path, monkeypatch
):
    t01 = counters("T01")
    engine = make_engine(server.db_url, pool_size=1)
    try:
        give_server(engine, add_offline_payments(t01, 300, sample_too=True))
    finally:
        engine.dispose()
    client = _client(t01)
    assert push_all(t01, client).sent == 300
    [(settled_id, data)] = server.query("SELECT id::text, data FROM payments ORDER BY id LIMIT 1")
    settled = {**data, "settlement_status": "Settled", "settled_at": "2025-05-02T10:00:00+00:00"}
    publish_changes(server.db_url, [NewChange("payment", settled_id, settled)])
    copy = tmp_path / "t01-copy.sqlite"
    with t01.writer.connect() as connection:  # outside any transaction: the raw driver
        connection.connection.driver_connection.execute(f"VACUUM INTO '{copy}'")

    pulled = pull_all(t01, client)  # the echoes are settled without the normal apply
    client.close()
    monkeypatch.setattr(catch_up, "skip_echoes", lambda _s, changes, _own: ([], list(changes)))
    twin = open_database(copy)
    try:
        twin_client = _client(twin)
        pull_all(twin, twin_client)  # every echo through the normal apply
        twin_client.close()
        assert _payments(t01) == _payments(twin)
    finally:
        twin.close()
    assert pulled.changes >= 300 and pulled.quarantined == 0
    with t01.read() as uow:
        payment = uow.session.get(Payment, uuid.UUID(settled_id))
        assert payment is not None and payment.settlement_status == "Settled"
