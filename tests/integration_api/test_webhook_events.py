"""Recovery changes publish webhook events in the transaction that makes them."""

import json
from collections import Counter

from sqlalchemy import select

from app.db.recovery_tables import recovery_cases
from app.db.recovery_tables_webhooks import webhook_deliveries
from app.services.outgoing_webhooks import publish_event
from tests.integration_api.webhook_helpers import endpoint
from tests.support.recovery_cli import cli, events


def test_intake_opens_cases_and_run_reports_recovered_and_escalated_ones(
    recovery_url, recovery_engine, memory_keyring, capsys
):
    endpoint(recovery_engine, "https://example.com/hooks", ("case.opened", "case.recovered"))
    assert cli(capsys, "recovery", "demo", "--db", recovery_url)[0] == 0
    opened = [e for e in events(recovery_engine) if e["kind"] == "case.opened"]
    assert sorted(e["payload"]["case_id"] for e in opened) == [f"DEMO-{i:03d}" for i in range(1, 9)]
    first = next(e["payload"] for e in opened if e["payload"]["case_id"] == "DEMO-001")
    assert (first["amount_minor"], first["currency"], first["status"]) == (4500, "USD", "open")

    cli(capsys, "recovery", "demo", "--db", recovery_url)  # known failures: no new events
    assert len(events(recovery_engine)) == 8

    code, _, err = cli(
        capsys, "recovery", "run", "--db", recovery_url, "--gateway", "demo", "--once",
        "--policy", "daily-3",
    )  # fmt: skip
    assert code == 0, err
    with recovery_engine.connect() as connection:
        query = select(recovery_cases.c.id, recovery_cases.c.status)
        statuses = {row.id: row.status for row in connection.execute(query)}
    later = events(recovery_engine)[8:]
    recovered = {e["payload"]["case_id"] for e in later if e["kind"] == "case.recovered"}
    escalated = [e["payload"] for e in later if e["kind"] == "case.escalated"]
    assert {c for c, s in statuses.items() if s == "paid"} == recovered and recovered
    # Escalated: each case the engine stopped, and each case whose escalation step opened
    # (the run evaluates the escalation rules too: those carry the step).
    stopped = {c for c, s in statuses.items() if s in ("stopped", "at_counter", "disputed")}
    assert stopped <= {p["case_id"] for p in escalated}
    assert all(p["case_id"] in stopped or p["escalation"]["owner"] for p in escalated)
    with recovery_engine.connect() as connection:
        queued = connection.execute(select(webhook_deliveries.c.event_id)).scalars().all()
    subscribed = [e for e in events(recovery_engine) if e["kind"] != "case.escalated"]
    # Each subscribed event has its tries (the run delivered once: the endpoint is unreachable
    # here, so each has a failed try and the next one queued); unsubscribed kinds have none.
    assert set(queued) == {e["id"] for e in subscribed}
    assert all(n == 2 for n in Counter(queued).values())


def test_an_event_rolls_back_with_the_change_it_reports(recovery_engine):
    try:
        with recovery_engine.begin() as connection:
            publish_event(connection, "alert.raised", {"alert": "card failure rate"})
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert events(recovery_engine) == []


def test_an_unknown_kind_is_a_programming_error(recovery_engine):
    with recovery_engine.begin() as connection:
        try:
            publish_event(connection, "case.vanished", {})
        except ValueError as error:
            assert "case.vanished" in str(error)
        else:
            raise AssertionError("an unknown kind was accepted")


def test_payloads_are_json(recovery_engine):
    with recovery_engine.begin() as connection:
        publish_event(connection, "experiment.finished", {"id": "E1", "winner": "B"})
    assert json.loads(json.dumps(events(recovery_engine)[0]["payload"]))["winner"] == "B"


def test_a_case_the_engine_stops_is_escalated_with_its_reason(
    recovery_url, recovery_engine, capsys
):
    from sqlalchemy import update

    from app.services.recovery_webhook_events import publish_case_outcome

    cli(capsys, "recovery", "demo", "--db", recovery_url)
    with recovery_engine.begin() as connection:
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == "DEMO-006")
            .values(status="stopped", status_reason="hard decline: stolen card")
        )
        publish_case_outcome(connection, "DEMO-006", "stopped")
        publish_case_outcome(connection, "DEMO-005", "open")  # still being worked: no event

    [escalated] = events(recovery_engine)[8:]
    assert escalated["kind"] == "case.escalated"
    assert escalated["payload"]["case_id"] == "DEMO-006"
    assert escalated["payload"]["reason"] == "hard decline: stolen card"
    assert escalated["payload"]["amount_minor"] == 15_000


def test_an_escalation_step_carries_its_rule_and_owner(recovery_url, recovery_engine, capsys):
    from app.services.recovery_webhook_events import publish_case_escalated

    cli(capsys, "recovery", "demo", "--db", recovery_url)
    step = {"rule": "high_value_call", "owner": "recovery executive", "due_at": "2026-12-07"}
    with recovery_engine.begin() as connection:
        publish_case_escalated(connection, "DEMO-008", "high value, 3 declines", step)

    [escalated] = events(recovery_engine)[8:]
    assert escalated["kind"] == "case.escalated"
    assert escalated["payload"]["escalation"] == step
    assert (escalated["payload"]["amount_minor"], escalated["payload"]["reason"]) == (
        250_000, "high value, 3 declines",
    )  # fmt: skip
