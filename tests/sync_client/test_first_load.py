"""A new counter's first load against the real server: progress counts from the server's
totals that only grow and end at the total, the search index and indexes rebuilt after the bulk
load, and a record the counter cannot apply still quarantined (not the whole load refused)."""

import uuid
from pathlib import Path

from sqlalchemy import func, select

from app.db.database import Database, open_database
from app.db.tables import Bill, Consumer
from app.db.tables.sync_state import SyncQuarantine
from app.demo.words import demo_words
from app.services.consumers import search_consumers
from app.services.setup import initialise
from sync.client import first_load
from sync.client.register import register_terminal
from sync.client.runner import sync_once
from sync.server import demo
from sync.server.db import make_engine
from sync.server.feed import NewChange
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD, LiveServer, publish_changes

DEMO_CONSUMERS = 2_500


def _fill(server: LiveServer) -> None:
    engine = make_engine(server.db_url, pool_size=1)
    try:
        demo.load_demo(engine, consumers_wanted=DEMO_CONSUMERS, words=demo_words(), workers=1)
    finally:
        engine.dispose()


def _new_counter(path: Path, server: LiveServer) -> Database:
    db = open_database(path)
    initialise(db, terminal_code="T07", terminal_name="Counter T07", admin_secret="0000")
    register_terminal(
        db, server_url=server.url, code="T07", username=ADMIN, password=ADMIN_PASSWORD
    )
    return db


def test_a_first_load_reports_growing_counts_that_end_at_the_servers_totals(server, tmp_path):
    _fill(server)
    db = _new_counter(tmp_path / "t07.sqlite", server)
    seen: list[tuple[str, int, int | None]] = []
    try:
        sync_once(db, progress=lambda stage, done, total=None: seen.append((stage, done, total)))
        with db.read() as uow:
            consumers = uow.session.scalar(select(func.count()).select_from(Consumer))
            bills = uow.session.scalar(select(func.count()).select_from(Bill))
    finally:
        db.close()
    on_server = dict(
        server.query("SELECT 'Loading consumers', count(*) FROM consumers")
        + server.query("SELECT 'Loading bills', count(*) FROM bills")
    )
    assert on_server["Loading consumers"] == consumers > DEMO_CONSUMERS
    assert on_server["Loading bills"] == bills
    for stage, total in on_server.items():
        reports = [(done, of) for name, done, of in seen if name == stage]
        dones = [done for done, _ in reports]
        assert dones == sorted(dones) and dones[0] == 0, stage
        assert reports[-1] == (total, total), stage
        assert all(of == total for _, of in reports), stage


def test_after_a_first_load_search_and_indexes_are_back_and_commits_durable(server, tmp_path):
    _fill(server)
    db = _new_counter(tmp_path / "t07.sqlite", server)
    try:
        sync_once(db)
        with db.read() as uow:
            account = uow.session.scalar(
                select(Consumer.account_number).order_by(Consumer.account_number.desc())
            )
        hits = search_consumers(db.read(), account)
        with db.writer.connect() as connection:
            indexes = {r[0] for r in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
            synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        with db.read() as uow:
            in_progress = uow.sync_link.local_value(first_load.STATE_KEY)
    finally:
        db.close()
    assert account in {hit.account_number for hit in hits}
    assert {"ix_consumers_name", "ix_bills_consumer_id_due_date", "consumers_fts_insert"} <= indexes
    assert synchronous == 2  # FULL again
    assert in_progress is None


def test_a_bill_whose_consumer_never_came_is_quarantined_and_the_load_completes(server, tmp_path):
    orphan = str(uuid.uuid4())
    bill = {
        "id": orphan,
        "consumer_id": str(uuid.uuid4()),
        "invoice_number": "INV-ORPHAN-1",
        "period_label": "Jan",
        "amount_minor": 1_000,
        "issued_on": "2025-01-01",
        "due_date": "2025-01-31",
    }
    publish_changes(server.db_url, [NewChange("bill", orphan, bill)])
    db = _new_counter(tmp_path / "t07.sqlite", server)
    try:
        sync_once(db)
        with db.read() as uow:
            held = uow.session.scalars(select(SyncQuarantine.key)).all()
            john = uow.session.scalar(select(Consumer).where(Consumer.account_number == "WU-10001"))
    finally:
        db.close()
    assert held == [orphan]
    assert john is not None


def test_a_first_load_cut_short_by_a_crash_is_finished_at_the_next_sync(server, tmp_path):
    db = _new_counter(tmp_path / "t07.sqlite", server)
    try:
        assert first_load.start(db, cursor=0)  # then the process died: nothing restored
        with db.writer.connect() as connection:
            gone = connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = 'consumers_fts_insert'"
            ).scalar()
        sync_once(db)
        hits = search_consumers(db.read(), "doe")
        with db.writer.connect() as connection:
            back = connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = 'consumers_fts_insert'"
            ).scalar()
    finally:
        db.close()
    assert gone == 0 and back == 1
    assert "WU-10001" in {hit.account_number for hit in hits}


def test_a_trigger_is_replayed_in_bulk_only_when_it_is_one_insert_of_new_values():
    trigger = (
        "CREATE TRIGGER t_fts AFTER INSERT ON t BEGIN\n"
        "  INSERT INTO t_fts (rowid, name) VALUES (NEW.rowid, lower(NEW.name));\nEND"
    )
    assert first_load.replay_statement(trigger) == (
        "INSERT INTO t_fts (rowid, name) SELECT t.rowid, lower(t.name) FROM t"
    )
    other = (
        "CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN\n"
        "  INSERT INTO a (k) VALUES (NEW.id);\n  DELETE FROM b WHERE k = NEW.id;\nEND"
    )
    assert first_load.replay_statement(other) is None


def test_the_server_counts_what_follows_only_for_a_counter_that_asks(server, tmp_path):
    from sync.client.runner import default_client
    from sync.client.state import connection
    from sync.client.tokens import TokenStore

    db = _new_counter(tmp_path / "t07.sqlite", server)
    try:
        link = connection(db)
        client = default_client(link, TokenStore().load(link.server_url, link.terminal_code))
        plain = client.session.get(f"{server.url}/v1/pull", params={"cursor": 0}).json()
        asked = client.pull(0, 1, totals=True)
        client.close()
    finally:
        db.close()
    assert "totals" not in plain  # an older counter refuses fields it does not know
    assert asked.totals is not None and asked.totals["consumer"] == 1
    assert sum(asked.totals.values()) == len(plain["changes"])
