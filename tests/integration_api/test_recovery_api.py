"""The server's integration API on PostgreSQL: admins only, paginated, in the OpenAPI."""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from app.db.recovery_tables import recovery_cases, recovery_decisions
from cli.wiring.server_options import ServerOptions
from tests.integration_api.live_app import LiveApp
from tests.server.live import ADMIN
from tests.support.recovery_cases import case

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# id, hours after START, gateway, status
CASES = [
    ("A1", 0, "nmi", "open"), ("A2", 1, "stripe", "paid"), ("A3", 2, "nmi", "paid"),
    ("A4", 3, "stripe", "open"), ("A5", 4, "nmi", "stopped"), ("A6", 5, "nmi", "open"),
    ("A7", 6, "stripe", "paid"),
]  # fmt: skip


def seed_case(engine, case_id, hours, gateway, status):
    row = {**case(case_id, START + timedelta(hours=hours), 1000 + hours, "USD"),
           "gateway": gateway, "status": status, "external_id": f"ext-{case_id}"}  # fmt: skip
    with engine.begin() as connection:
        connection.execute(recovery_cases.insert().values(**row))


@pytest.fixture
def api(server_db_url, recovery_url, recovery_engine):
    for row in CASES:
        seed_case(recovery_engine, *row)
    with recovery_engine.begin() as connection:
        connection.execute(
            recovery_decisions.insert().values(
                case_id="A1", decided_at=START, policy="smart", kind="retry_at",
                act_at=START + timedelta(days=2), amount_minor=1000, reason="payday",
            )
        )  # fmt: skip
    live = LiveApp(ServerOptions(db_url=server_db_url, recovery_db=recovery_url)).start()
    yield live
    live.stop()


def get(api, path, auth=ADMIN, **params):
    return requests.get(f"{api.url}{path}", params=params, auth=auth, timeout=30)


def test_without_admin_credentials_every_route_is_refused(api):
    for path in ("/v1/recovery/cases", "/v1/recovery/cases/A1"):
        assert get(api, path, auth=None).status_code == 401
        assert get(api, path, auth=("admin", "wrong-password")).status_code == 401
        assert get(api, path, auth=("nobody", ADMIN[1])).status_code == 401
    refused = get(api, "/v1/recovery/cases", auth=None)
    assert refused.headers["WWW-Authenticate"] == "Basic"
    assert "A1" not in refused.text


def test_pages_walk_every_case_once_newest_first(api):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        answer = get(api, "/v1/recovery/cases", **params)
        assert answer.status_code == 200
        body = answer.json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == ["A7", "A6", "A5", "A4", "A3", "A2", "A1"]


def test_a_case_arriving_between_pages_neither_repeats_nor_skips_one(api, recovery_engine):
    first = get(api, "/v1/recovery/cases", limit=4).json()
    seed_case(recovery_engine, "A8", 10, "nmi", "open")  # newer than every case listed
    second = get(api, "/v1/recovery/cases", limit=4, cursor=first["next_cursor"]).json()
    assert [i["id"] for i in first["items"]] == ["A7", "A6", "A5", "A4"]
    assert [i["id"] for i in second["items"]] == ["A3", "A2", "A1"]
    assert second["next_cursor"] is None


def test_filters_and_money_in_minor_units(api):
    paid_at_stripe = get(api, "/v1/recovery/cases", status="paid", gateway="stripe").json()
    assert [(i["id"], i["amount_minor"], i["currency"]) for i in paid_at_stripe["items"]] == [
        ("A7", 1006, "USD"), ("A2", 1001, "USD"),
    ]  # fmt: skip
    window = get(
        api, "/v1/recovery/cases",
        failed_from=(START + timedelta(hours=2)).isoformat(),
        failed_to=(START + timedelta(hours=4)).isoformat(),
    ).json()  # fmt: skip
    assert [i["id"] for i in window["items"]] == ["A4", "A3"]
    assert get(api, "/v1/recovery/cases", status="lost").status_code == 400
    assert get(api, "/v1/recovery/cases", cursor="not-ours").status_code == 400
    assert get(api, "/v1/recovery/cases", limit=0).status_code == 422


def test_one_case_with_its_timeline(api):
    answer = get(api, "/v1/recovery/cases/A1")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["id"], body["status"], body["amount_minor"]) == ("A1", "open", 1000)
    assert [entry["kind"] for entry in body["timeline"]] == ["intake", "decision"]
    assert "payday" in body["timeline"][1]["text"]
    assert get(api, "/v1/recovery/cases/NOPE").status_code == 404


def test_the_openapi_lists_the_routes_behind_basic_auth(api):
    spec = requests.get(f"{api.url}/openapi.json", timeout=30).json()
    for path in ("/v1/recovery/cases", "/v1/recovery/cases/{case_id}"):
        operation = spec["paths"][path]["get"]
        assert operation["security"] == [{"HTTPBasic": []}]
        assert "401" in operation["responses"]
    listing = spec["paths"]["/v1/recovery/cases"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"cursor", "limit", "status", "gateway", "failed_from"} <= names
    assert spec["components"]["schemas"]["CasePage"]["required"] == ["items", "next_cursor"]


def test_without_a_recovery_database_there_are_no_recovery_routes(server_db_url):
    live = LiveApp(ServerOptions(db_url=server_db_url)).start()
    try:
        spec = requests.get(f"{live.url}/openapi.json", timeout=30).json()
        assert "/v1/recovery/cases" not in spec["paths"]
    finally:
        live.stop()
