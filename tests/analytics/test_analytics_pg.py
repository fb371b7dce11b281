"""The same metrics and alerts on a real PostgreSQL, where the central server keeps them."""

import threading
from datetime import UTC, date, datetime

from app.recovery.analytics.anomaly import AnomalyRule
from app.services.recovery_alerts import evaluate, open_alerts
from app.services.recovery_database import open_recovery_database
from tests.analytics.recovery_rows import daily_failures
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures
from tests.support.metrics import assert_january_by_method, january


def test_metrics_and_alerts_on_postgresql(pg_url):  # noqa: F811
    engine = open_recovery_database(pg_url)
    try:
        assert_january_by_method(january(engine))
        daily_failures(engine, date(2027, 3, 9), days=7, charges=100, failures=12)
        now = datetime(2027, 3, 10, 9, tzinfo=UTC)
        [change] = evaluate(engine, now, anomaly=AnomalyRule(min_history_days=10_000))
        assert (change.alert.level, change.alert.value) == ("critical", 0.12)
        assert [a.id for a in open_alerts(engine)] == [change.alert.id]
        assert evaluate(engine, now, anomaly=AnomalyRule(min_history_days=10_000)) == []
    finally:
        engine.dispose()


def test_workers_evaluating_at_once_raise_an_alert_once(pg_url):  # noqa: F811
    engine = open_recovery_database(pg_url)
    try:
        daily_failures(engine, date(2027, 3, 9), days=7, charges=100, failures=12)
        now = datetime(2027, 3, 10, 9, tzinfo=UTC)
        start, found, errors = threading.Barrier(3), [], []

        def worker() -> None:
            start.wait()
            try:
                for _ in range(4):
                    found.extend(
                        evaluate(engine, now, anomaly=AnomalyRule(min_history_days=10_000))
                    )
            except Exception as error:  # reported below, with the thread's result
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert [c.transition.value for c in found] == ["raised"]
        assert len(open_alerts(engine)) == 1
    finally:
        engine.dispose()
