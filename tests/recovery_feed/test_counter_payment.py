"""A payment taken at a counter for a consumer with an open recovery case stops the engine as
soon as the server stores the push (real PostgreSQL for the server and the recovery database,
a real counter): the case is settled, `recovery run` charges nothing, and the branch sees it."""

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from app.db.recovery_tables import recovery_attempts, recovery_events
from app.services.recovery_feed_queue import load_queue
from app.services.runtime import counter_for
from tests.support.recovery_feed import CountingGateway, cases, open_case, worker
from tests.sync_client.support import pay, sync


def test_a_counter_payment_settles_the_case_and_recovery_run_charges_nothing(
    feed_server, recovery, counter
):
    open_case(recovery, "K-2001", 14_550)  # due now: daily-3 would charge it at once
    open_case(recovery, "K-2002", 5_000, hours_ago=10)  # newer, not covered by the payment
    open_case(recovery, "K-2009", 7_000, account="WU-20002")  # someone else's: charged
    paid = pay(counter, "INV-2025-001234", "145.50")

    pushed = sync(counter)  # the server settles as soon as it stored the push

    assert pushed.push.sent == 1
    assert cases(recovery) == {
        "K-2001": ("at_counter", 14_550), "K-2002": ("paused", 0), "K-2009": ("open", 0),
    }  # fmt: skip
    with recovery.connect() as connection:
        events = connection.execute(
            select(recovery_events.c.case_id, recovery_events.c.detail)
            .where(recovery_events.c.type == "counter_payment").order_by(recovery_events.c.case_id)
        ).all()  # fmt: skip
    assert [(e.case_id, e.detail["receipt"], e.detail["settled"]) for e in events] == [
        ("K-2001", paid.receipt_number, True), ("K-2002", paid.receipt_number, False),
    ]  # fmt: skip
    gateway = CountingGateway()
    worker(recovery, gateway).run(threading.Event(), once=True)
    assert [c.reference for c in gateway.charges] == ["K-2009"]  # the tick did run
    with recovery.connect() as connection:
        charged = connection.execute(select(recovery_attempts.c.case_id)).scalars().all()
    assert charged == ["K-2009"]
    # Heard twice (a replayed round, another push): nothing changes again.
    sync(counter)
    assert cases(recovery)["K-2002"] == ("paused", 0)
    # The branch sees the settled case left the queue and the other one paused, with why.
    sync(counter)
    rows = {r.case_id: r for r in load_queue(counter_for(counter), datetime.now(UTC), True)}
    assert rows["K-2001"].status == "at_counter" and rows["K-2001"].owed_minor == 0
    assert rows["K-2002"].status == "paused"
    assert paid.receipt_number in rows["K-2002"].next_action


def test_a_payment_arriving_while_a_worker_decides_stops_its_charge(
    feed_server, recovery, counter, monkeypatch
):
    import app.services.recovery_run as run

    open_case(recovery, "K-2003", 14_550)
    pay(counter, "INV-2025-001234", "145.50")
    read_case = run.read_case

    def read_then_the_counter_pushes(*args, **kwargs):
        rows = read_case(*args, **kwargs)  # the worker saw the case open ...
        sync(counter)  # ... and the counter's push is stored while it decides
        return rows

    monkeypatch.setattr(run, "read_case", read_then_the_counter_pushes)
    gateway = CountingGateway()
    tally = worker(recovery, gateway).run(threading.Event(), once=True)

    assert gateway.charges == []  # the row lock and the status check said no
    assert tally.attempts == 0 and tally.visits == 1
    assert cases(recovery) == {"K-2003": ("at_counter", 14_550)}
