"""The integration API's analytics, alerts and experiments, over their services, on PostgreSQL."""

from datetime import UTC, date, datetime

import pytest
import requests

from app.recovery.analytics.anomaly import AnomalyRule
from app.services.experiments import create_experiment, record
from app.services.recovery_alerts import evaluate
from cli.wiring.server_options import ServerOptions
from tests.analytics.recovery_rows import daily_failures
from tests.integration_api.live_app import LiveApp
from tests.server.live import ADMIN

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
YESTERDAY = date(2027, 3, 9)


@pytest.fixture
def api(server_db_url, recovery_url, recovery_engine):
    daily_failures(recovery_engine, YESTERDAY, days=7, charges=100, failures=12)  # 12 %: critical
    evaluate(recovery_engine, NOW, anomaly=AnomalyRule(min_history_days=10_000))
    for name, strategy in (
        ("grace period", "grace_period"),
        ("reminder hour", "notification_timing"),
    ):
        create_experiment(
            recovery_engine, name=name, strategy=strategy, variant_names=["short", "long"],
            allocation=None, now=NOW, by="manager",
        )  # fmt: skip
    created = create_experiment(
        recovery_engine, name="retry timing A/B", strategy="retry_timing",
        variant_names=["daily-3", "smart"], allocation=None, now=NOW, by="manager",
    )  # fmt: skip
    for n in range(20):
        record(recovery_engine, created["id"], f"C{n}", NOW, recovered=n % 3 != 0, days=n % 5)
    options = ServerOptions(db_url=server_db_url, recovery_db=recovery_url, clock=lambda: NOW)
    live = LiveApp(options).start()
    live.experiment_id = created["id"]
    yield live
    live.stop()


def get(api, path, auth=ADMIN, **params):
    return requests.get(f"{api.url}{path}", params=params, auth=auth, timeout=30)


def test_analytics_per_method_over_the_default_period(api):
    answer = get(api, "/v1/recovery/analytics", by="method")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["by"] == "method" and body["date_to"] == "2027-03-10"
    card = next(row for row in body["rows"] if row["key"] == "credit_card")
    assert card["failed"] == 7 * 12 and card["charges"] == 7 * 100
    assert card["failure_rate"] == pytest.approx(0.12)
    assert get(api, "/v1/recovery/analytics", by="colour").status_code == 400
    assert get(api, "/v1/recovery/analytics", auth=None).status_code == 401


def test_open_alerts_and_their_history(api):
    alerts = get(api, "/v1/recovery/alerts").json()
    assert alerts["next_cursor"] is None
    [alert] = alerts["items"]
    assert (alert["metric"], alert["scope"], alert["level"]) == (
        "failure_rate", "credit_card", "critical",
    )  # fmt: skip
    assert alert["text"].startswith("Failure rate of credit_card 12.0 %")
    history = get(api, "/v1/recovery/alerts/history").json()
    assert [e["kind"] for e in history["items"]] == ["raised"]
    assert get(api, "/v1/recovery/alerts", auth=None).status_code == 401


def test_experiments_listed_and_one_with_its_results(api):
    first = get(api, "/v1/recovery/experiments", limit=2).json()
    rest = get(api, "/v1/recovery/experiments", limit=2, cursor=first["next_cursor"]).json()
    names = [e["name"] for e in first["items"] + rest["items"]]
    assert names == ["retry timing A/B", "reminder hour", "grace period"]  # newest first
    assert rest["next_cursor"] is None
    assert get(api, "/v1/recovery/experiments", cursor="bad").status_code == 400
    answer = get(api, f"/v1/recovery/experiments/{api.experiment_id}")
    assert answer.status_code == 200, answer.text
    results = answer.json()
    assert {v["name"] for v in results["variants"]} == {"daily-3", "smart"}
    assert sum(v["n"] for v in results["variants"]) == 20
    assert "chi_square" in results["tests"]
    assert get(api, "/v1/recovery/experiments/999").status_code == 404
    assert get(api, "/v1/recovery/experiments/abc").status_code == 404


def test_the_openapi_lists_every_integration_route(api):
    spec = requests.get(f"{api.url}/openapi.json", timeout=30).json()
    routes = {
        "/v1/recovery/cases", "/v1/recovery/cases/{case_id}", "/v1/recovery/analytics",
        "/v1/recovery/alerts", "/v1/recovery/alerts/history", "/v1/recovery/experiments",
        "/v1/recovery/experiments/{experiment_id}",
    }  # fmt: skip
    assert routes <= set(spec["paths"])
    assert all(spec["paths"][r]["get"]["security"] == [{"HTTPBasic": []}] for r in routes)
