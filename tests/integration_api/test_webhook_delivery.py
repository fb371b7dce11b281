"""Outgoing webhooks reach a real receiver on loopback: signed, retried with back-off, logged."""

import itertools
import json
import random
from datetime import timedelta

from app.services.outgoing_webhooks import list_endpoints
from app.services.webhook_deliveries import delivery_log
from sync.outgoing.deliverer import MAX_TRIES, Deliverer, retry_delay
from sync.outgoing.signing import verify
from tests.integration_api.receiver import documented_signature_ok
from tests.integration_api.webhook_helpers import SECRET, START, SteppingClock, endpoint, publish


def deliverer(engine, clock, seed=7):
    return Deliverer(engine, clock=clock, rng=random.Random(seed))


def test_an_event_arrives_signed_as_documented(recovery_engine, memory_keyring, receiver):
    endpoint(recovery_engine, receiver.url)
    event_id = publish(recovery_engine)

    tally = deliverer(recovery_engine, SteppingClock()).run_once()

    assert tally.delivered == 1
    [got] = receiver.received
    assert got.headers["Tilldesk-Event-Id"] == event_id
    assert got.headers["Tilldesk-Event-Kind"] == "case.opened"
    assert got.headers["Content-Type"] == "application/json"
    assert documented_signature_ok(SECRET, got.headers["Tilldesk-Signature"], got.body)
    assert got.headers["Tilldesk-Signature"].startswith(f"t={int(START.timestamp())},v1=")
    body = json.loads(got.body)
    assert body == {
        "id": event_id,
        "kind": "case.opened",
        "created_at": START.isoformat(),
        "data": {"case_id": "K001", "amount_minor": 4500, "currency": "USD"},
    }


def test_a_receiver_refuses_a_tampered_body_a_wrong_secret_and_an_old_signature(
    recovery_engine, memory_keyring, receiver
):
    endpoint(recovery_engine, receiver.url)
    publish(recovery_engine)
    deliverer(recovery_engine, SteppingClock()).run_once()
    [got] = receiver.received
    header, now = got.headers["Tilldesk-Signature"], int(START.timestamp())

    assert verify(SECRET, header, got.body, now)
    assert not verify(SECRET, header, got.body.replace(b"4500", b"9999"), now)
    assert not documented_signature_ok(SECRET, header, got.body.replace(b"4500", b"9999"))
    assert not verify("whsec_someone_else", header, got.body, now)
    assert not verify(SECRET, header, got.body, now + 301)  # a replay ten minutes on


def test_a_receiver_failing_twice_gets_the_event_on_the_third_try_after_back_off(
    recovery_engine, memory_keyring, receiver
):
    endpoint(recovery_engine, receiver.url)
    event_id = publish(recovery_engine)
    receiver.answers = [500, 503]
    clock = SteppingClock()
    sender = deliverer(recovery_engine, clock)

    assert sender.run_once().failed == 1
    assert sender.run_once().outcomes == []  # the retry is not due yet: nothing is sent
    first_wait = _next_at(recovery_engine) - clock.now
    assert timedelta(seconds=48) <= first_wait <= timedelta(seconds=72)  # 1 min +-20 %

    clock.now = _next_at(recovery_engine)
    assert sender.run_once().failed == 1
    second_wait = _next_at(recovery_engine) - clock.now
    assert timedelta(minutes=3.2) <= second_wait <= timedelta(minutes=4.8)  # 4 min +-20 %

    clock.now = _next_at(recovery_engine)
    assert sender.run_once().delivered == 1
    assert [r.headers["Tilldesk-Event-Id"] for r in receiver.received] == [event_id] * 3
    assert len({r.body for r in receiver.received}) == 1  # the same bytes on every try

    log = sorted(delivery_log(recovery_engine), key=lambda e: e.attempt)
    assert [(e.attempt, e.outcome, e.status_code) for e in log] == [
        (1, "failed", 500), (2, "failed", 503), (3, "delivered", 200),
    ]  # fmt: skip
    assert log[2].delivered_at == clock.now
    assert [e.tried_at - START for e in log] == [timedelta(0), first_wait, first_wait + second_wait]


def test_back_off_grows_to_a_cap_and_eight_tries_span_most_of_a_day():
    rng = random.Random(1)
    waits = [retry_delay(n, rng) for n in range(1, MAX_TRIES)]
    assert all(later > earlier for earlier, later in itertools.pairwise(waits[:5]))
    assert max(waits) <= timedelta(hours=6) * 1.2
    assert timedelta(hours=12) < sum(waits, timedelta()) < timedelta(hours=26)
    assert retry_delay(3, random.Random(1)) != retry_delay(3, random.Random(2))  # jitter


def test_after_eight_failed_tries_the_event_is_given_up(recovery_engine, memory_keyring, receiver):
    endpoint(recovery_engine, receiver.url)
    publish(recovery_engine)
    receiver.answers = [500] * 20
    clock = SteppingClock()
    sender = deliverer(recovery_engine, clock)
    while (tally := sender.run_once()).outcomes or _next_at(recovery_engine):
        if not tally.outcomes:
            clock.now = _next_at(recovery_engine)

    assert len(receiver.received) == MAX_TRIES
    log = sorted(delivery_log(recovery_engine), key=lambda e: e.attempt)
    assert [e.outcome for e in log] == ["failed"] * (MAX_TRIES - 1) + ["gave_up"]
    assert timedelta(hours=12) < clock.now - START < timedelta(hours=26)
    assert list_endpoints(recovery_engine)[0].active  # a down receiver is not "gone"


def test_410_gone_deactivates_the_endpoint_and_drops_its_pending_events(
    recovery_engine, memory_keyring, receiver
):
    endpoint(recovery_engine, receiver.url)
    publish(recovery_engine)
    receiver.answers = [410]
    clock = SteppingClock()
    sender = deliverer(recovery_engine, clock)

    assert sender.run_once().gone == 1
    publish(recovery_engine)  # after deactivation: not even queued for it
    clock.advance(timedelta(days=2))
    assert sender.run_once().outcomes == []

    [gone] = list_endpoints(recovery_engine)
    assert not gone.active and "410" in (gone.deactivated_reason or "")
    assert [(e.outcome, e.status_code) for e in delivery_log(recovery_engine)] == [("gone", 410)]
    assert len(receiver.received) == 1


def test_a_refused_connection_is_logged_and_retried(recovery_engine, memory_keyring, receiver):
    url = receiver.url
    receiver.stop()  # nothing listens there any more
    endpoint(recovery_engine, url)
    publish(recovery_engine)

    tally = deliverer(recovery_engine, SteppingClock()).run_once()

    assert tally.failed == 1
    [tried, planned] = sorted(delivery_log(recovery_engine), key=lambda e: e.attempt)
    assert tried.status_code is None and "ConnectionError" in (tried.error or "")
    assert planned.outcome == "pending" and planned.attempt == 2


def test_only_subscribed_endpoints_get_an_event(recovery_engine, memory_keyring, receiver):
    endpoint(recovery_engine, receiver.url + "/cases", ("case.opened", "case.recovered"))
    endpoint(recovery_engine, receiver.url + "/alerts", ("alert.raised",))
    publish(recovery_engine, "case.recovered")
    publish(recovery_engine, "alert.raised", case_id="-")

    deliverer(recovery_engine, SteppingClock()).run_once()

    got = sorted((r.path, r.headers["Tilldesk-Event-Kind"]) for r in receiver.received)
    assert got == [
        ("/hooks/tilldesk/alerts", "alert.raised"), ("/hooks/tilldesk/cases", "case.recovered"),
    ]  # fmt: skip


def test_a_missing_secret_is_not_sent_unsigned(recovery_engine, memory_keyring, receiver):
    endpoint(recovery_engine, receiver.url)
    memory_keyring.values.clear()
    publish(recovery_engine)

    assert deliverer(recovery_engine, SteppingClock()).run_once().failed == 1
    assert receiver.received == []
    assert "not in the keyring" in (delivery_log(recovery_engine)[-1].error or "")


def test_the_secret_is_not_in_the_database(recovery_url, recovery_engine, memory_keyring):
    endpoint(recovery_engine, "https://example.com/hooks")
    with open(recovery_url.removeprefix("sqlite:///"), "rb") as file:
        assert SECRET.encode() not in file.read()


def _next_at(engine):
    pending = [e for e in delivery_log(engine) if e.outcome == "pending"]
    return pending[0].next_at if pending else None


def test_the_background_loop_sends_events_published_while_it_runs(
    recovery_engine, memory_keyring, receiver
):
    import threading
    import time

    from sync.outgoing.deliverer import deliver_until

    endpoint(recovery_engine, receiver.url)
    stop = threading.Event()
    sender = Deliverer(recovery_engine)  # the wall clock, as the service runs it
    loop = threading.Thread(target=deliver_until, args=(sender, stop), kwargs={"poll": 0.05})
    loop.start()
    try:
        event_id = publish(recovery_engine)
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    assert [r.headers["Tilldesk-Event-Id"] for r in receiver.received] == [event_id]
