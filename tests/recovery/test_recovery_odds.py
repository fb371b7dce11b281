"""The recovery-optimization model steers `recovery run`'s decisions: its odds are stored with
each decision and said in the reason; likely cases are tried harder, unlikely ones less and
offered a plan; without a promoted model the engine says so and treats every case alike."""

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.recovery_tables import recovery_cases, recovery_decisions
from app.recovery.prediction.recovery_odds import recovery_dataset
from app.services.recovery_model_odds import NO_ODDS, promoted_odds
from app.services.recovery_model_training import train_one
from app.services.recovery_models import ModelRegistry
from tests.models import generated
from tests.segment_rules.helpers import FAILED_AT, Drive, attempts_at, one_case

THREE_WEEKS = FAILED_AT + timedelta(days=21)


def run_with_odds(drive: Drive, odds, note: str) -> None:
    """Drive's loop with a worker that has the recovery model's odds."""
    worker = drive.worker()
    worker.odds, worker.odds_note = odds, note
    for _ in range(200):
        worker.run(threading.Event(), once=True)
        with drive.engine.connect() as connection:
            due = connection.execute(
                select(recovery_cases.c.next_at).where(recovery_cases.c.status == "open")
            ).scalar()
        if due is None or due > THREE_WEEKS:
            return
        drive.clock.now = max(due, drive.clock.now + timedelta(minutes=1))


def decisions(drive: Drive) -> list[dict]:
    d = recovery_decisions.c
    with drive.engine.connect() as connection:
        query = select(d.kind, d.reason, d.recovery_score).order_by(d.id)
        return [dict(r._mapping) for r in connection.execute(query)]


def test_each_decision_stores_the_odds_and_says_them(tmp_path):
    drive = one_case(tmp_path)
    run_with_odds(drive, lambda case: 0.9, "recovery model v-test")
    made = decisions(drive)
    assert made and {d["recovery_score"] for d in made} == {0.9}
    planned = [d["reason"] for d in made if d["reason"].startswith("rules:")]
    assert planned and all(
        "recovery odds 0.90 (recovery model v-test): likely recovered" in r for r in planned
    )


def test_an_unlikely_case_gets_fewer_retries_and_a_plan_offer(tmp_path):
    likely, unlikely = one_case(tmp_path / "likely"), one_case(tmp_path / "unlikely")
    run_with_odds(likely, lambda case: 0.9, "recovery model v-test")
    run_with_odds(unlikely, lambda case: 0.1, "recovery model v-test")
    assert len(attempts_at(likely.engine)) == 8
    assert len(attempts_at(unlikely.engine)) == 4
    kinds = [d["kind"] for d in decisions(unlikely)]
    assert "offer_plan" in kinds and "remind" not in kinds


def test_without_a_promoted_model_the_engine_says_so(tmp_path):
    drive = one_case(tmp_path)
    registry = ModelRegistry(tmp_path / "models")
    odds, note = promoted_odds(registry)
    assert odds is None and note == NO_ODDS
    run_with_odds(drive, odds, note)
    made = decisions(drive)
    assert made and all(d["recovery_score"] is None for d in made)
    assert any(NO_ODDS in d["reason"] for d in made)


def test_the_promoted_model_from_the_registry_scores_the_case(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    trained = train_one(
        registry, "recovery", recovery_dataset(generated.failed_payments()), datetime.now(UTC)
    )
    assert trained.promoted
    odds, note = promoted_odds(registry)
    assert odds is not None and note == f"recovery model {trained.version}"
    drive = one_case(tmp_path / "case")
    run_with_odds(drive, odds, note)
    scores = {d["recovery_score"] for d in decisions(drive)}
    assert len(scores) == 1 and 0.0 < scores.pop() < 1.0  # one score per case, kept
