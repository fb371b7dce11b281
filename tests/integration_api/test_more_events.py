"""experiment.finished when a test is stopped, case.escalated when an escalation step opens."""

from datetime import UTC, datetime

from app.services.experiments import create_experiment, stop_experiment
from app.services.smart_collect_escalations import evaluate_escalations
from tests.integration_api.webhook_helpers import endpoint
from tests.support.recovery_cli import cli, events


def test_stopping_an_experiment_announces_it(recovery_engine, memory_keyring):
    endpoint(recovery_engine, "https://example.com/hooks", ("experiment.finished",))
    now = datetime(2027, 1, 6, 12, 0, tzinfo=UTC)
    created = create_experiment(
        recovery_engine, name="Retry timing", strategy="retry_timing",
        variant_names=["fixed-8-in-14", "smart"], allocation=None, by="ann", now=now,
    )  # fmt: skip
    stop_experiment(recovery_engine, created["id"], by="ann", now=now, reason="enough data")
    [finished] = [e for e in events(recovery_engine) if e["kind"] == "experiment.finished"]
    assert finished["payload"]["experiment_id"] == created["id"]
    assert finished["payload"]["reason"] == "enough data"


def test_an_escalation_step_that_opens_is_announced_once(
    recovery_url, recovery_engine, memory_keyring, capsys
):
    cli(capsys, "recovery", "demo", "--db", recovery_url)
    now = datetime.now(UTC)
    steps = evaluate_escalations(recovery_engine, now)
    evaluate_escalations(recovery_engine, now)  # again: nothing new opens
    escalated = [e for e in events(recovery_engine) if e["kind"] == "case.escalated"]
    opened = [s for s in steps if s.state in ("open", "missed")]
    assert opened, "the demo portfolio has a hard decline: its step must open"
    assert sorted(e["payload"]["case_id"] for e in escalated) == sorted(s.case_id for s in opened)
    assert all(e["payload"]["escalation"]["owner"] for e in escalated)
