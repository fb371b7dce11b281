"""The server's plan round on real PostgreSQL and a real recovery database: each missed
installment of a server plan opens exactly one recovery case, a broken plan raises one
disconnection review that reaches the counters, milestones are recorded once."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.services.counter_plans import PlanRequest, create_plan
from app.services.counter_plans_views import disconnection_standing, plan_detail
from app.services.recovery_database import open_recovery_database
from cli.wiring.server_plans import plans_round
from sync.server.db import make_engine
from tests.sync_client.support import LiveServer, pay, sync


@pytest.fixture
def engines(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    central = make_engine(server.db_url, pool_size=1)
    recovery = open_recovery_database(f"sqlite:///{tmp_path / 'recovery.sqlite'}")
    yield central, recovery
    central.dispose()
    recovery.dispose()


def plan_cases(recovery: Engine) -> list[tuple[str, int, str]]:
    c = recovery_cases.c
    with recovery.connect() as conn:
        rows = conn.execute(
            select(c.external_id, c.amount_minor, c.consumer_id)
            .where(c.source == "counter_plan")
            .order_by(c.external_id)
        )
        return [tuple(r) for r in rows]


def test_missed_installments_open_one_case_each_and_a_broken_plan_one_review(
    counters,
    server: LiveServer,
    engines: tuple[Engine, Engine],
) -> None:
    central, recovery = engines
    now = datetime.now(UTC)
    first = plans_round(central, recovery, now)
    again = plans_round(central, recovery, now + timedelta(hours=1))

    # The sample plan's three installments (Apr-Jun 2025) are all long missed.
    assert first.cases_opened == ["PP-2025-0034/1", "PP-2025-0034/2", "PP-2025-0034/3"]
    assert again.cases_opened == []
    assert plan_cases(recovery) == [
        ("PP-2025-0034/1", 6_750, "WU-10001"),
        ("PP-2025-0034/2", 6_750, "WU-10001"),
        ("PP-2025-0034/3", 6_750, "WU-10001"),
    ]
    with recovery.connect() as conn:  # the recovery side knows whom it chases by name
        consumer = conn.execute(select(recovery_consumers.c.name)).scalar_one()
    assert consumer == "John Doe"
    assert (first.scan.reviews, again.scan.reviews, again.scan.notices) == (
        ["PP-2025-0034"],
        [],
        [],
    )
    [flag] = server.query("SELECT kind, detail FROM flags WHERE kind = 'disconnection_review'")
    assert "PP-2025-0034 of John Doe (WU-10001) is broken" in flag.detail["reason"]

    t01 = counters("T01")  # a supervisor at any counter sees the review
    detail = plan_detail(t01.unit_of_work(), "PP-2025-0034")
    assert "Review disconnection." in detail.review_flag
    assert disconnection_standing(t01.unit_of_work(), "WU-10001").broken == ("PP-2025-0034",)


def test_milestones_are_recorded_once_as_a_counter_plan_is_paid(
    counters,
    server: LiveServer,
    engines: tuple[Engine, Engine],
) -> None:
    central, recovery = engines
    t01 = counters("T01")
    due = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    create_plan(t01.unit_of_work(), "WU-10001", PlanRequest("100.00", "", 2, "Monthly", due),
                username="mbrown")  # fmt: skip
    sync(t01)
    sync(t01)
    [number] = [
        r.plan_number
        for r in server.query("SELECT plan_number FROM payment_plans")
        if r.plan_number != "PP-2025-0034"
    ]
    pay(t01, f"{number}/1", "50.00", kind="Installment")
    sync(t01)
    round_ = plans_round(central, recovery, datetime.now(UTC))
    assert f"{number} half_paid" in round_.scan.notices
    later = plans_round(central, recovery, datetime.now(UTC))
    assert not any(number in notice for notice in later.scan.notices)
    notices = server.query(
        "SELECT kind, subject FROM plan_notices WHERE plan_number = :n", n=number
    )
    assert [(n.kind, n.subject) for n in notices] == [("half_paid", "")]
    milestones = plan_detail(t01.unit_of_work(), number).summary.compliance.milestones
    with t01.read() as uow:
        today = uow.today()  # the service center's date the payment was taken on
    assert [(m.value, on) for m, on in milestones] == [("Half paid", today)]


def test_the_server_runs_the_plan_round_in_the_background(
    server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastapi.testclient import TestClient

    from cli.wiring.server_app import build_app
    from cli.wiring.server_options import ServerOptions

    monkeypatch.setenv("TILLDESK_PLAN_SCAN_SECONDS", "0.2")
    monkeypatch.setenv("TILLDESK_RECOVERY_FEED_SECONDS", "0")
    app = build_app(ServerOptions(db_url=server.db_url))
    with TestClient(app):
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        while not server.query("SELECT 1 FROM plan_notices") and datetime.now(UTC) < deadline:
            time.sleep(0.1)
    kinds = {r.kind for r in server.query("SELECT kind FROM plan_notices")}
    assert kinds == {"missed", "broken"}


def test_a_review_says_do_not_disconnect_once_the_consumer_catches_up(
    counters,
    server: LiveServer,
    engines: tuple[Engine, Engine],
) -> None:
    central, recovery = engines
    assert plans_round(central, recovery, datetime.now(UTC)).scan.reviews == ["PP-2025-0034"]
    t01 = counters("T01")
    for number in (1, 2, 3):
        pay(t01, f"PP-2025-0034/{number}", "67.50", kind="Installment")
    sync(t01)

    plans_round(central, recovery, datetime.now(UTC))
    again = plans_round(central, recovery, datetime.now(UTC))

    [flag] = server.query("SELECT detail FROM flags WHERE kind = 'disconnection_review'")
    assert flag.detail["reason"].startswith("Plan PP-2025-0034 is paid off: do not disconnect")
    assert again.scan.notices == []
    sync(t01)
    detail = plan_detail(t01.unit_of_work(), "PP-2025-0034")
    assert "paid off: do not disconnect" in detail.review_flag
    assert [m.value for m, _ in detail.summary.compliance.milestones] == ["Half paid", "Completed"]
