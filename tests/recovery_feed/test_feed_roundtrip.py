"""Cases reach a counter at a branch through the sync feed (real PostgreSQL, real server, real
counter file): the Recovery queue and the case's timeline read the counter's copy offline, and
a recovery executive's pause there goes through the server."""

from datetime import UTC, datetime

from sqlalchemy import select, update

from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.services.recovery_feed_case import load_case
from app.services.recovery_feed_queue import load_queue, recovery_source
from app.services.runtime import counter_for
from cli.wiring.server_recovery_feed import feed_round
from sync.client.recovery_actions import send_case_action
from sync.server.db import make_engine
from tests.support.recovery_feed import engine_history, open_case
from tests.sync_client.support import sync


def publish(feed_server, recovery) -> int:
    """One round of the server's publisher (the server runs it on a timer too)."""
    engine = make_engine(feed_server.db_url, pool_size=1)
    try:
        return feed_round(engine, recovery, datetime.now(UTC))
    finally:
        engine.dispose()


def test_a_case_opened_on_the_server_reaches_the_counters_queue_with_its_timeline(
    feed_server, recovery, counter
):
    open_case(recovery, "K-1001", 14_550)
    engine_history(recovery, "K-1001")
    assert publish(feed_server, recovery) == 2  # the case and its consumer's Smart Collect
    assert publish(feed_server, recovery) == 0  # nothing changed: nothing goes again
    sync(counter)

    branch = counter_for(counter)
    assert recovery_source(branch).synced  # no recovery database at this branch
    [row] = load_queue(branch, datetime.now(UTC), every_case=False)
    assert (row.case_id, row.consumer_id, row.status, row.owed_minor) == (
        "K-1001", "WU-10001", "open", 14_550,
    )  # fmt: skip
    assert row.next_action == "retry_at: after the consumer's payday"
    assert row.consumer_name == "John Doe"  # the counter's consumer with that account number
    assert row.next_at is not None and row.priority is not None and row.band
    page = load_case(branch, "K-1001", datetime.now(UTC))
    kinds = [entry.kind for entry in page.timeline]
    assert kinds == ["message", "decision", "attempt", "intake"]  # newest first
    texts = {entry.kind: entry.text for entry in page.timeline}
    assert "score 0.62" in texts["decision"] and "after the consumer's payday" in texts["decision"]
    assert "code 51" in texts["attempt"] and "declined" in texts["attempt"]
    assert "reminder on email with a payment link" in texts["message"]
    assert page.synced and "value" in page.segments_text


def test_a_name_only_recovery_knows_reaches_the_queue_in_the_consumers_smart_collect(
    feed_server, recovery, counter
):
    open_case(recovery, "K-1004", 5_000, account="RC-0077")  # no consumer of the counter's
    with recovery.begin() as connection:
        connection.execute(update(recovery_consumers).where(recovery_consumers.c.id == "RC-0077")
                           .values(name="Dana Cruz"))  # fmt: skip
    publish(feed_server, recovery)
    sync(counter)
    [row] = load_queue(counter_for(counter), datetime.now(UTC), every_case=False)
    assert (row.case_id, row.consumer_id, row.consumer_name) == ("K-1004", "RC-0077", "Dana Cruz")


def test_a_pause_at_the_branch_goes_through_the_server_and_comes_back_on_the_feed(
    feed_server, recovery, counter
):
    open_case(recovery, "K-1002", 9_900)
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)

    status = send_case_action(branch, "K-1002", "pause", "consumer called, pays Friday", "rpatel")

    assert status == "paused"
    with recovery.connect() as connection:
        row = connection.execute(
            select(recovery_cases.c.status, recovery_cases.c.status_reason)
            .where(recovery_cases.c.id == "K-1002")
        ).one()  # fmt: skip
    assert row.status == "paused" and "(by rpatel)" in row.status_reason
    [mine] = load_queue(branch, datetime.now(UTC), every_case=False)
    assert mine.status == "paused"  # the counter's copy already shows it
    assert mine.next_action.startswith("paused: consumer called, pays Friday")


def test_a_cashier_may_not_pause_a_case_through_the_server(feed_server, recovery, counter):
    import pytest

    from app.domain.errors import UserFacingError

    open_case(recovery, "K-1003", 5_000)
    publish(feed_server, recovery)
    sync(counter)
    with pytest.raises(UserFacingError, match="may not work recovery cases"):
        send_case_action(counter_for(counter), "K-1003", "pause", "why not", "jsmith")
    with recovery.connect() as connection:
        status = connection.scalar(
            select(recovery_cases.c.status).where(recovery_cases.c.id == "K-1003")
        )
    assert status == "open"


def test_the_server_publishes_new_cases_on_its_own_while_it_runs(
    server_db_url, recovery_url, sample_counter, tmp_path, monkeypatch
):
    import shutil
    import time

    from app.db.database import open_database
    from app.services.recovery_database import shared_recovery_database
    from cli.wiring.server_recovery_feed import INTERVAL_VARIABLE
    from tests.support.recovery_feed import FeedServer
    from tests.sync_client.support import new_counter, seed_server_from

    monkeypatch.setenv(INTERVAL_VARIABLE, "0.2")
    seed = open_database(shutil.copyfile(sample_counter, tmp_path / "seed.sqlite"))
    seed_server_from(seed, server_db_url)
    seed.close()
    live = FeedServer(server_db_url)
    live.recovery_db = recovery_url
    live.add_admin()
    live.start()
    (tmp_path / "branch").mkdir()
    db = new_counter(tmp_path / "branch" / "counter.sqlite", "T01", live)
    try:
        open_case(shared_recovery_database(recovery_url), "K-1004", 4_200)
        deadline = time.monotonic() + 20
        while not load_queue(counter_for(db), datetime.now(UTC), every_case=False):
            assert time.monotonic() < deadline, "the case never reached the counter"
            time.sleep(0.3)
            sync(db)
        [row] = load_queue(counter_for(db), datetime.now(UTC), every_case=False)
        assert (row.case_id, row.owed_minor) == ("K-1004", 4_200)
    finally:
        db.close()
        live.stop()
