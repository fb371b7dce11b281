"""A counter payment that covers only part of a recovery case (real PostgreSQL for the server
and the recovery database, a real counter): the part is credited to the case for good, and the
engine goes on charging only what is still owed, unless the server is set to pause such cases."""

import threading
from datetime import UTC, datetime

from app.services.recovery_cases import change_status
from app.services.recovery_feed_queue import load_queue
from app.services.runtime import counter_for
from app.services.void_payment import void_payment
from cli.wiring.server_recovery_feed import PART_PAYMENT_VARIABLE
from tests.support.recovery_feed import CountingGateway, cases, open_case, worker
from tests.sync_client.support import pay, sync


def test_a_part_payment_at_the_counter_is_credited_and_the_engine_charges_the_rest(
    feed_server, recovery, counter
):
    open_case(recovery, "K-4001", 14_550)
    pay(counter, "INV-2025-001234", "50.00")

    sync(counter)

    assert cases(recovery) == {"K-4001": ("open", 5_000)}  # not paused: nobody must look
    sync(counter)
    [row] = load_queue(counter_for(counter), datetime.now(UTC), True)
    assert (row.status, row.owed_minor) == ("open", 9_550)  # the branch sees what is left
    gateway = CountingGateway()
    worker(recovery, gateway).run(threading.Event(), once=True)
    assert [c.amount_minor for c in gateway.charges] == [9_550]  # the rest, not 145.50
    assert cases(recovery) == {"K-4001": ("paid", 14_550)}  # counter part + the charge


def test_a_part_payment_pauses_the_case_when_the_server_says_so_and_stays_credited(
    feed_server, recovery, counter, monkeypatch
):
    monkeypatch.setenv(PART_PAYMENT_VARIABLE, "pause")
    open_case(recovery, "K-4002", 14_550)
    pay(counter, "INV-2025-001234", "50.00")

    sync(counter)

    assert cases(recovery) == {"K-4002": ("paused", 5_000)}
    change_status(
        recovery, "K-4002", "resume", "checked with the consumer (by rpatel)", datetime.now(UTC)
    )
    gateway = CountingGateway()
    worker(recovery, gateway).run(threading.Event(), once=True)
    assert [c.amount_minor for c in gateway.charges] == [9_550]
    assert cases(recovery) == {"K-4002": ("paid", 14_550)}  # the worker kept the counter's part


def test_a_voided_part_payment_is_owed_again_and_chased_in_full(feed_server, recovery, counter):
    open_case(recovery, "K-4003", 14_550)
    paid = pay(counter, "INV-2025-001234", "50.00")
    sync(counter)
    assert cases(recovery) == {"K-4003": ("open", 5_000)}

    void_payment(
        counter.unit_of_work(), receipt=paid.receipt_number, reason="Wrong consumer charged",
        username="mbrown",
    )  # fmt: skip
    sync(counter)

    assert cases(recovery) == {"K-4003": ("open", 0)}
    gateway = CountingGateway()
    worker(recovery, gateway).run(threading.Event(), once=True)
    assert [c.amount_minor for c in gateway.charges] == [14_550]


def test_a_part_payment_voided_after_a_later_payment_settled_the_case_reopens_it(
    feed_server, recovery, counter
):
    open_case(recovery, "K-4004", 14_550)
    first = pay(counter, "INV-2025-001234", "50.00")
    sync(counter)
    pay(counter, "INV-2025-001234", "95.50")  # the rest: the case is settled at the counter
    sync(counter)
    assert cases(recovery) == {"K-4004": ("at_counter", 14_550)}

    void_payment(
        counter.unit_of_work(), receipt=first.receipt_number, reason="Cheque bounced",
        username="mbrown",
    )  # fmt: skip
    sync(counter)

    # It was settled with money that is gone: open again for the voided part, and chased.
    assert cases(recovery) == {"K-4004": ("open", 9_550)}
    sync(counter)
    [row] = load_queue(counter_for(counter), datetime.now(UTC), True)
    assert (row.status, row.owed_minor) == ("open", 5_000)
    gateway = CountingGateway()
    worker(recovery, gateway).run(threading.Event(), once=True)
    assert [c.amount_minor for c in gateway.charges] == [5_000]


def test_a_part_payment_voided_after_the_engine_charged_the_rest_reopens_the_case(
    feed_server, recovery, counter
):
    open_case(recovery, "K-4005", 14_550)
    first = pay(counter, "INV-2025-001234", "50.00")
    sync(counter)
    worker(recovery, CountingGateway()).run(threading.Event(), once=True)
    assert cases(recovery) == {"K-4005": ("paid", 14_550)}

    void_payment(
        counter.unit_of_work(), receipt=first.receipt_number, reason="Cheque bounced",
        username="mbrown",
    )  # fmt: skip
    sync(counter)

    assert cases(recovery) == {"K-4005": ("open", 9_550)}  # the engine's 95.50 stays counted
