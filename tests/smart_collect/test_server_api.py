"""The server's Smart Collect API on PostgreSQL, served by uvicorn on loopback, for admins."""

from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from cli.wiring.server_options import ServerOptions
from sync.simulation.behaviour import PaySchedule
from tests.integration_api.live_app import LiveApp
from tests.server.live import ADMIN
from tests.smart_collect.histories import credits
from tests.smart_collect.rows import add_case, add_consumer, add_credits

NOW = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def api(server_db_url, recovery_url, engine, memory_keyring):
    add_consumer(engine, "C1")
    add_credits(engine, "C1", credits(PaySchedule("monthly", day=15), date(2026, 3, 1), 365), NOW)
    add_case(engine, "CASE-1", "C1", NOW - timedelta(days=1), amount_minor=130_000,
             next_at=NOW + timedelta(days=1))  # fmt: skip
    add_consumer(engine, "C2")
    add_case(engine, "STOLEN", "C2", NOW - timedelta(hours=2), code="stolen_card",
             category="hard", next_at=NOW + timedelta(days=2))  # fmt: skip
    live = LiveApp(ServerOptions(server_db_url, recovery_url, clock=lambda: NOW)).start()
    yield live
    live.stop()


def test_the_view_is_for_admins_only(api):
    url = f"{api.url}/v1/smart-collect"
    assert requests.get(url, params={"consumer": "C1"}, timeout=30).status_code == 401
    answer = requests.get(url, params={"consumer": "C1"}, auth=ADMIN, timeout=30)
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["income"]["kind"] == "monthly" and view["income"]["typical_day"] == 15
    assert view["next_window"]["start"] == "2027-03-17"
    assert view["upcoming"][0]["status"] in ("RISKY", "CRITICAL")
    missing = requests.get(url, params={"consumer": "NOBODY"}, auth=ADMIN, timeout=30)
    assert missing.status_code == 404


def test_reschedule_then_the_view_shows_the_new_date(api):
    body = {"consumer_id": "C1", "collection_id": "CASE-1"}
    assert requests.post(f"{api.url}/v1/smart-collect/reschedule", json=body,
                         timeout=30).status_code == 401  # fmt: skip
    answer = requests.post(f"{api.url}/v1/smart-collect/reschedule", json=body, auth=ADMIN,
                           timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["optimal_window_used"]
    assert answer.json()["next_at"].startswith("2027-03-17T14:00")
    view = requests.get(f"{api.url}/v1/smart-collect", params={"consumer": "C1"}, auth=ADMIN,
                        timeout=30).json()  # fmt: skip
    assert view["upcoming"][0]["scheduled_date"] == "2027-03-17"
    assert view["upcoming"][0]["status"] == "OPTIMAL_WINDOW"


def test_attempt_is_queued_or_refused_by_the_network_rules(api):
    answer = requests.post(f"{api.url}/v1/smart-collect/attempt", auth=ADMIN, timeout=30,
                           json={"consumer_id": "C1", "collection_id": "CASE-1"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "QUEUED"
    assert answer.json()["requested_by"] == ADMIN[0]
    refused = requests.post(f"{api.url}/v1/smart-collect/attempt", auth=ADMIN, timeout=30,
                            json={"consumer_id": "C2", "collection_id": "STOLEN"})  # fmt: skip
    assert refused.status_code == 400 and "new payment method" in refused.json()["detail"]
    wrong = requests.post(f"{api.url}/v1/smart-collect/attempt", auth=ADMIN, timeout=30,
                          json={"consumer_id": "C2", "collection_id": "CASE-1"})  # fmt: skip
    assert wrong.status_code == 400 and "has no case" in wrong.json()["detail"]


def test_no_recovery_database_means_no_smart_collect_routes():
    from cli.wiring.server_smart_collect import routers

    assert routers(ServerOptions("postgresql://unused/db", None)) == []
