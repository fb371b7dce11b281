"""The experiments on the server's PostgreSQL: concurrent enrolment gives one sticky arm."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from app.services import experiments as service
from app.services.experiment_arms import arm_for
from app.services.experiments_results import experiment_results
from app.services.recovery_database import open_recovery_database
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def test_workers_racing_to_enrol_a_consumer_agree_on_one_arm(pg_url) -> None:  # noqa: F811
    engine = open_recovery_database(pg_url)
    experiment = service.create_experiment(
        engine, name="Retry", strategy="retry_timing", variant_names=["smart", "daily-3"],
        allocation="0.5,0.5", now=NOW, by="maria", min_sample=1,
    )["id"]  # fmt: skip
    with ThreadPoolExecutor(4) as pool:
        arms = list(pool.map(lambda _: arm_for(engine, "C1", "retry_timing", NOW), range(16)))
    assert len(set(arms)) == 1 and arms[0][0] == experiment
    service.record(engine, experiment, "C1", NOW, recovered=True, days=2.5, amount_minor=1999)
    results = experiment_results(engine, experiment, NOW)
    assert [v["n"] for v in results["variants"] if v["name"] == arms[0][1]] == [1]
    assert service.show_experiment(engine, experiment)["secondary_metrics"] == [
        "recovery_time", "satisfaction", "churn_rate",
    ]  # fmt: skip
    engine.dispose()
