"""A counter payment voided after it settled or paused recovery cases undoes what it did, as soon
as the server stores the void (real PostgreSQL for the server and the recovery database, a real
counter): the settled case is owed again and chased, the cases it paused resume, and a case a
person changed since is left as the person left it."""

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from app.db.recovery_tables import recovery_cases, recovery_events
from app.services.recovery_cases import change_status
from app.services.recovery_feed_queue import load_queue
from app.services.runtime import counter_for
from app.services.void_payment import void_payment
from tests.support.recovery_feed import CountingGateway, cases, open_case, worker
from tests.sync_client.support import pay, sync


def voided_events(recovery) -> dict[str, tuple[int, str, str]]:
    with recovery.connect() as connection:
        rows = connection.execute(
            select(recovery_events.c.case_id, recovery_events.c.amount_minor,
                   recovery_events.c.detail)
            .where(recovery_events.c.type == "counter_payment_voided")
        ).all()  # fmt: skip
    return {r.case_id: (r.amount_minor, r.detail["receipt"], r.detail["status"]) for r in rows}


def test_a_voided_counter_payment_reopens_the_case_it_settled_and_resumes_what_it_paused(
    feed_server, recovery, counter
):
    now = datetime.now(UTC)
    open_case(recovery, "K-3001", 14_550, hours_ago=30)  # settled by the payment
    open_case(recovery, "K-3004", 3_000, hours_ago=25)  # paused by a person before it
    open_case(recovery, "K-3002", 5_000, hours_ago=20)  # paused by the payment
    open_case(recovery, "K-3003", 7_000, hours_ago=10)  # paused by it, then stopped by a person
    change_status(recovery, "K-3004", "pause", "consumer on holiday (by rpatel)", now)
    paid = pay(counter, "INV-2025-001234", "145.50")
    sync(counter)
    change_status(recovery, "K-3003", "stop", "written off (by rpatel)", now)
    assert cases(recovery) == {
        "K-3001": ("at_counter", 14_550), "K-3002": ("paused", 0), "K-3003": ("stopped", 0),
        "K-3004": ("paused", 0),
    }  # fmt: skip

    void_payment(
        counter.unit_of_work(), receipt=paid.receipt_number, reason="Wrong consumer charged",
        username="mbrown",
    )  # fmt: skip
    assert sync(counter).push.sent == 1  # the server hears of the void and undoes the payment

    assert cases(recovery) == {
        "K-3001": ("open", 0), "K-3002": ("open", 0), "K-3003": ("stopped", 0),
        "K-3004": ("paused", 0),
    }  # fmt: skip
    assert voided_events(recovery) == {
        "K-3001": (14_550, paid.receipt_number, "open"),
        "K-3002": (0, paid.receipt_number, "open"),
        "K-3003": (0, paid.receipt_number, "stopped"),
        "K-3004": (0, paid.receipt_number, "paused"),
    }
    with recovery.connect() as connection:
        reasons = dict(connection.execute(
            select(recovery_cases.c.id, recovery_cases.c.status_reason)).all())  # fmt: skip
    assert (
        reasons["K-3001"] == f"receipt {paid.receipt_number} was voided at the counter: open again"
    )
    assert reasons["K-3003"] == "written off (by rpatel)"
    assert "it was paused before that payment" in reasons["K-3004"]

    # Heard again (another push, a replayed round): nothing changes twice.
    sync(counter)
    assert len(voided_events(recovery)) == 4
    assert cases(recovery)["K-3001"] == ("open", 0)

    # The branch sees the case owed again on its queue, and why.
    sync(counter)
    rows = {r.case_id: r for r in load_queue(counter_for(counter), datetime.now(UTC), True)}
    assert (rows["K-3001"].status, rows["K-3001"].owed_minor) == ("open", 14_550)
    assert rows["K-3004"].status == "paused"

    # The engine chases the reopened cases again; the person's pause and stop still hold.
    gateway = CountingGateway()
    worker(recovery, gateway).run(threading.Event(), once=True)
    charged = {c.reference for c in gateway.charges}
    assert "K-3001" in charged and not charged & {"K-3003", "K-3004"}


def test_a_void_of_a_payment_that_settled_nothing_changes_nothing(feed_server, recovery, counter):
    paid = pay(counter, "INV-2025-001234", "145.50")
    sync(counter)
    open_case(recovery, "K-3010", 2_000, hours_ago=1)  # failed after the payment: not its case

    void_payment(
        counter.unit_of_work(), receipt=paid.receipt_number, reason="Keyed twice",
        username="mbrown",
    )  # fmt: skip
    assert sync(counter).push.sent == 1

    assert cases(recovery) == {"K-3010": ("open", 0)}
    assert voided_events(recovery) == {}
