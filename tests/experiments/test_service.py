"""Experiments on a real SQLite file: sticky and exclusive enrolment, outcomes, the engine's arm."""

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.db.recovery_tables import recovery_decisions
from app.db.recovery_tables_experiments import recovery_experiment_outcomes
from app.domain.errors import UserFacingError
from app.recovery.code_tables import load_decline_codes
from app.services import experiments as service
from app.services.experiment_arms import arm_for
from app.services.experiments_results import experiment_results
from app.services.recovery_database import open_recovery_database
from app.services.recovery_run import ChargeOutcome, ChargeRequest, Worker
from sync.recovery.gateway import LoggingMessenger
from tests.recovery.run_helpers import seed

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'recovery.sqlite'}"


@pytest.fixture
def engine(url: str) -> Engine:
    made = open_recovery_database(url)
    yield made
    made.dispose()


def create(engine: Engine, strategy: str, *names: str, **options) -> int:
    return service.create_experiment(
        engine,
        name=f"{strategy} test",
        strategy=strategy,
        variant_names=names,
        allocation=None,
        now=NOW,
        by="maria",
        **options,
    )["id"]


def test_a_consumer_in_one_running_test_is_not_enrolled_in_another_on_the_strategy(
    engine,
) -> None:
    first = create(engine, "retry_timing", "smart", "daily-3")
    second = create(engine, "retry_timing", "smart", "fixed-8-in-14")
    other_strategy = create(engine, "grace_period", "7_days", "14_days")
    service.assign(engine, first, "C1", NOW)
    with pytest.raises(UserFacingError, match="already in experiment"):
        service.assign(engine, second, "C1", NOW)
    assert service.assign(engine, other_strategy, "C1", NOW)["variant"] in ("7_days", "14_days")
    assert service.show_experiment(engine, second)["variants"][0]["assigned"] == 0
    service.stop_experiment(engine, first, by="maria", now=NOW)
    # Tests no longer running do not hold their consumers.
    assert service.assign(engine, second, "C1", NOW)["variant"] in ("smart", "fixed-8-in-14")


def test_arm_for_enrols_new_consumers_once_and_splits_them_across_overlapping_tests(
    engine,
) -> None:
    assert arm_for(engine, "C1", "retry_timing", NOW) is None  # no test runs on it
    first = create(engine, "retry_timing", "smart", "daily-3")
    second = create(engine, "retry_timing", "smart", "fixed-8-in-14")
    arms = {f"C{n}": arm_for(engine, f"C{n}", "retry_timing", NOW) for n in range(400)}
    assert arms == {c: arm_for(engine, c, "retry_timing", NOW) for c in arms}  # sticky
    tests = [experiment for experiment, _ in arms.values()]
    assert 150 < tests.count(first) < 250 and tests.count(first) + tests.count(second) == 400
    shown = {e: service.show_experiment(engine, e) for e in (first, second)}
    assert sum(v["assigned"] for e in shown.values() for v in e["variants"]) == 400


def test_a_second_record_of_the_same_consumer_replaces_the_first(engine) -> None:
    experiment = create(engine, "retry_amounts", "full", "half", min_sample=1)
    service.record(engine, experiment, "C1", NOW, recovered=False)
    service.record(engine, experiment, "C1", NOW, recovered=True, days=3.0, amount_minor=2500)
    results = experiment_results(engine, experiment, NOW)
    assert sum(v["n"] for v in results["variants"]) == 1
    assert sum(v["recovered"] for v in results["variants"]) == 1


def test_an_early_stop_keeps_the_warning_against_deciding(engine) -> None:
    experiment = create(engine, "grace_period", "7_days", "14_days", min_sample=50)
    for n in range(30):
        service.record(engine, experiment, f"C{n}", NOW, recovered=n % 2 == 0, days=2.0)
    service.stop_experiment(engine, experiment, by="maria", now=NOW + timedelta(days=1))
    results = experiment_results(engine, experiment, NOW + timedelta(days=40))
    assert results["status"] == "stopped" and results["recommended_variant"] is None
    assert "Too early" in results["recommendation"]["warnings"][0]


def test_a_duration_holds_the_recommendation_until_it_has_passed(engine) -> None:
    experiment = create(
        engine, "dunning_sequence", "gentle", "firm", min_sample=5, duration_days=14
    )
    for n in range(40):
        service.record(engine, experiment, f"C{n}", NOW, recovered=True, days=1.0)
    assert experiment_results(engine, experiment, NOW + timedelta(days=3))["early"] is True
    late = experiment_results(engine, experiment, NOW + timedelta(days=15))
    assert late["early"] is False and late["recommended_variant"] == "gentle"  # the control


class ApproveAll:
    """A gateway that approves every charge (the arm, not the gateway, is under test)."""

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        return ChargeOutcome(True, "100", external_id=request.idempotency_key)

    def lookup(self, request: ChargeRequest) -> ChargeOutcome | None:
        return None


def test_the_engine_applies_the_arm_and_records_the_outcome_of_a_paid_case(url) -> None:
    cases = seed(url, [5_000] * 12)  # consumers C001..C012, cases K001..K012, failed 30 h ago
    engine = open_recovery_database(url)
    experiment = create(engine, "retry_timing", "daily-3", "fixed-8-in-14", min_sample=1)
    worker = Worker(
        engine=engine,
        gateway=ApproveAll(),
        messenger=LoggingMessenger(),
        codes=load_decline_codes(),
        clock=lambda: datetime.now(UTC),
        worker_id="w1",
        policy="smart",
    )
    worker.run(threading.Event(), once=True)
    with engine.connect() as connection:
        decided = dict(
            connection.execute(
                select(recovery_decisions.c.case_id, recovery_decisions.c.policy)
            ).all()
        )
        outcomes = connection.execute(select(recovery_experiment_outcomes)).all()
    arms = {
        f"K{n:03d}": service.assign(engine, experiment, f"C{n:03d}", NOW)["variant"]
        for n in range(1, 13)
    }
    assert set(arms.values()) == {"daily-3", "fixed-8-in-14"}
    assert {case: decided[case] for case in cases} == arms  # each case followed its arm
    paid = {o.case_id: o for o in outcomes}
    assert paid  # daily-3 retries at once and the gateway approves
    for case_id, outcome in paid.items():
        assert outcome.recovered and outcome.variant == arms[case_id]
        assert outcome.amount_minor == 5_000 and outcome.days > 1.0
    engine.dispose()


def test_results_report_satisfaction_churn_and_amounts_per_variant(engine) -> None:
    experiment = create(engine, "retention_offers", "no_offer", "discount", min_sample=1)
    arms = {c: service.assign(engine, experiment, c, NOW)["variant"] for c in ("A", "B", "C", "D")}
    for consumer, score, churned in (("A", 0.8, False), ("B", 0.4, True), ("C", 0.6, False)):
        service.record(
            engine, experiment, consumer, NOW, recovered=True, days=2.0,
            amount_minor=1000, satisfaction=score, churned=churned,
        )  # fmt: skip
    results = experiment_results(engine, experiment, NOW)
    for variant in results["variants"]:
        mine = [c for c, arm in arms.items() if arm == variant["name"] and c != "D"]
        scores = {"A": 0.8, "B": 0.4, "C": 0.6}
        expected = sum(scores[c] for c in mine) / len(mine) if mine else None
        assert variant["satisfaction"] == (pytest.approx(expected) if mine else None)
        assert variant["churn_rate"] == (
            pytest.approx(mine.count("B") / len(mine)) if mine else None
        )
        assert variant["recovered_amount_minor"] == 1000 * len(mine)
        assert variant["assigned"] == sum(arm == variant["name"] for arm in arms.values())
    with pytest.raises(UserFacingError, match="fraction"):
        service.record(engine, experiment, "D", NOW, recovered=True, satisfaction=4.0)
