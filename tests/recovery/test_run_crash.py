"""`recovery run` killed mid-attempt and restarted charges nobody twice; SIGTERM exits cleanly."""

import json
import signal
from collections.abc import Iterator

import pytest

from tests.gateways.fakes import FakeNmi
from tests.recovery.run_helpers import (
    attempts,
    charges_per_key,
    sales,
    seed,
    start_worker,
    statuses,
    wait_for,
)


@pytest.fixture
def fake_nmi() -> Iterator[FakeNmi]:
    with FakeNmi() as fake:
        yield fake


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'recovery.sqlite'}"


def test_sigkill_while_the_gateway_answers_then_restart_charges_once(url, fake_nmi) -> None:
    seed(url, [5_000])
    fake_nmi.delay_next_answer(0)  # the adapter's look-up by order id before the sale
    fake_nmi.delay_next_answer(60)  # the sale is made at once, its answer is slow
    worker = start_worker(url, fake_nmi, "w1")
    try:
        wait_for(lambda: len(sales(fake_nmi)) == 1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    [started] = attempts(url)
    assert started["state"] == "started" and started["approved"] is None  # committed first

    restarted = start_worker(url, fake_nmi, "w1", "--once")
    out, err = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, err
    assert json.loads(out)["reconciled"] == 1

    assert charges_per_key(fake_nmi) == {started["idempotency_key"]: 1}
    assert len(sales(fake_nmi)) == 1  # no second charge of the consumer
    [settled] = attempts(url)
    assert (settled["state"], settled["approved"], settled["code"]) == ("done", True, "100")
    assert statuses(url) == {"K001": "paid"}


def test_sigterm_finishes_the_case_in_hand_and_exits_0(url, fake_nmi) -> None:
    seed(url, [5_000])
    fake_nmi.delay_next_answer(0)
    fake_nmi.delay_next_answer(2)
    worker = start_worker(url, fake_nmi, "w1")
    try:
        wait_for(lambda: len(sales(fake_nmi)) == 1)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == 0, err
    assert json.loads(out)["attempts"] == 1
    [attempt] = attempts(url)
    assert (attempt["state"], attempt["approved"]) == ("done", True)
    assert statuses(url) == {"K001": "paid"}


def test_an_attempt_that_never_reached_the_gateway_is_not_counted(url, fake_nmi) -> None:
    """Killed between the commit of 'started' and the send: reconciled as unsent, retried."""
    seed(url, [5_000])
    fake_nmi.fail_next(times=50, status=503)  # the gateway is down: nothing arrives
    worker = start_worker(url, fake_nmi, "w1")
    try:
        wait_for(lambda: any(a["state"] == "started" for a in attempts(url)))
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    fake_nmi._failures.clear()  # the gateway is back
    restarted = start_worker(url, fake_nmi, "w1", "--once")
    _, err = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, err
    rows = attempts(url)
    assert rows[0]["state"] == "unsent"
    assert len(sales(fake_nmi)) == 1
    assert statuses(url) == {"K001": "paid"}


def test_a_case_paused_while_the_worker_decides_is_not_charged(url, fake_nmi) -> None:
    from datetime import UTC, datetime

    from app.db.recovery_claims import read_case
    from app.db.recovery_migrate import make_recovery_engine
    from app.recovery.code_tables import load_decline_codes
    from app.services.recovery_cases import change_status
    from app.services.recovery_run import Worker
    from sync.gateways.adapters.nmi import NmiAdapter
    from sync.recovery.gateway import AdapterGateway, LoggingMessenger

    seed(url, [5_000])
    engine = make_recovery_engine(url)
    gateway = AdapterGateway({"nmi": NmiAdapter(fake_nmi.security_key, base_url=fake_nmi.url)})
    worker = Worker(
        engine=engine, gateway=gateway, messenger=LoggingMessenger(),
        codes=load_decline_codes(), clock=lambda: datetime.now(UTC), worker_id="w1",
        policy="daily-3",
    )  # fmt: skip
    rows = read_case(engine, "K001", datetime.now(UTC))  # the worker has read the case...
    change_status(engine, "K001", "pause", "paying at the counter", datetime.now(UTC))
    original = worker.visit.__func__  # ...and acts on what it read before the pause

    def visit_with_stale_read(case_id: str) -> None:
        import app.services.recovery_run as run

        real = run.read_case
        run.read_case = lambda *_a: rows
        try:
            original(worker, case_id)
        finally:
            run.read_case = real

    visit_with_stale_read("K001")
    engine.dispose()
    assert sales(fake_nmi) == []
    assert attempts(url) == []
    assert statuses(url) == {"K001": "paused"}
