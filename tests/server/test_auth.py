"""Registering a terminal needs a server admin; the token it gets is the only way in."""

import uuid

import requests
from sqlalchemy import select

from sync.server.tables import server_events
from tests.server.live import ADMIN


def _register(server, code="T01", terminal_id=None, auth=ADMIN):
    """Register and, as a counter does once its token is stored, confirm."""
    body = {"code": code, "terminal_id": str(terminal_id or uuid.uuid4()), "name": "Front"}
    answer = requests.post(f"{server.url}/v1/terminals/register", json=body, auth=auth, timeout=30)
    if answer.status_code == 200:
        confirmed = requests.post(
            f"{server.url}/v1/terminals/confirm",
            headers={"Authorization": f"Bearer {answer.json()['token']}"},
            timeout=30,
        )
        confirmed.raise_for_status()
    return answer


def test_registering_without_admin_credentials_is_refused(server):
    assert _register(server, auth=None).status_code == 401
    assert _register(server, auth=("admin", "not-the-password")).status_code == 401
    assert _register(server, auth=("nobody", ADMIN[1])).status_code == 401


def test_an_admin_registers_a_terminal_and_its_token_opens_pull(server):
    answer = _register(server, "T01")

    assert answer.status_code == 200
    body = answer.json()
    assert body["code"] == "T01"
    assert len(body["token"]) >= 40
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert requests.get(f"{server.url}/v1/pull", headers=headers, timeout=10).status_code == 200


def test_a_wrong_or_missing_token_gets_401(server):
    _register(server, "T01")
    wrong = {"Authorization": "Bearer not-a-token"}

    assert requests.get(f"{server.url}/v1/pull", headers=wrong, timeout=10).status_code == 401
    assert requests.get(f"{server.url}/v1/pull", timeout=10).status_code == 401
    push = {"epoch": None, "client_time": "2025-04-20T14:00:00Z", "records": []}
    answer = requests.post(f"{server.url}/v1/push", json=push, headers=wrong, timeout=10)
    assert answer.status_code == 401


def test_the_token_is_stored_only_as_a_hash(server):
    token = _register(server, "T01").json()["token"]
    with server.engine.connect() as conn:
        dump = conn.exec_driver_sql("SELECT * FROM terminals").all()
    assert token not in repr(dump)


def test_registering_again_gives_a_new_token_and_the_old_one_stops_working(server):
    terminal_id = uuid.uuid4()
    old = _register(server, "T01", terminal_id).json()["token"]

    new = _register(server, "T01", terminal_id).json()["token"]

    def status(token):
        headers = {"Authorization": f"Bearer {token}"}
        return requests.get(f"{server.url}/v1/pull", headers=headers, timeout=10).status_code

    assert (status(old), status(new)) == (401, 200)


def test_a_code_that_belongs_to_another_terminal_is_refused(server):
    _register(server, "T01")

    answer = _register(server, "T01")

    assert answer.status_code == 409
    assert "already registered" in answer.json()["detail"]


def test_registrations_are_in_the_server_audit_trail_with_the_admin_who_made_them(server):
    terminal_id = uuid.uuid4()
    _register(server, "T01", terminal_id)
    _register(server, "T01", terminal_id)

    with server.engine.connect() as conn:
        rows = conn.execute(
            select(server_events.c.actor, server_events.c.action, server_events.c.detail)
            .where(server_events.c.action.like("terminal.%"))
            .order_by(server_events.c.occurred_at)
        ).all()

    assert [(r.actor, r.action, r.detail["code"]) for r in rows] == [
        ("admin", "terminal.registered", "T01"),
        ("terminal:T01", "terminal.activated", "T01"),
        ("admin", "terminal.token_renewed", "T01"),
        ("terminal:T01", "terminal.activated", "T01"),
    ]


def test_a_value_postgresql_cannot_hold_is_a_client_error_not_a_crash(server):
    answer = requests.post(
        f"{server.url}/v1/terminals/register",
        json={"code": "T09", "terminal_id": str(uuid.uuid4()), "name": "bad\u0000name"},
        auth=ADMIN,
        timeout=30,
    )
    login = requests.post(
        f"{server.url}/v1/terminals/register",
        json={"code": "T09", "terminal_id": str(uuid.uuid4())},
        auth=("ad\u0000min", "x"),
        timeout=30,
    )
    assert (answer.status_code, login.status_code) == (400, 401)
